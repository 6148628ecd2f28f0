// Conformance of the generated payloads with the documented schemas, for every profile shape:
// Apple's com.apple.security.scep / com.apple.security.root payloads in a Configuration profile
// (every key's name, value type and allowed values, as Apple's device-management reference
// defines them) and the ClientCertificateInstall CSP's SCEP Install nodes (name, SyncML format
// and allowed values, as Microsoft's CSP reference defines them). A key or node outside the
// schema fails the test, so does a value the device would refuse.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "mgmt/payload_test_util.h"
#include "mgmt/xml_test_util.h"

namespace scepgate::mgmt {
namespace {

using testing::Xml;
using Check = std::function<bool(const std::string&)>;

bool IsInt(const std::string& v) { return std::regex_match(v, std::regex("-?[0-9]+")); }
Check OneOf(std::set<std::string> values) {
  return [values](const std::string& v) { return values.contains(v); };
}
Check IntIn(long lo, long hi) {
  return [lo, hi](const std::string& v) {
    return IsInt(v) && std::stol(v) >= lo && std::stol(v) <= hi;
  };
}
const Check kAny = [](const std::string&) { return true; };
const Check kNonEmpty = [](const std::string& v) { return !v.empty(); };
const Check kUuid = [](const std::string& v) {
  return std::regex_match(
      v, std::regex("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"));
};
const Check kReverseDns = [](const std::string& v) {
  return std::regex_match(v, std::regex("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+"));
};

// One key of a plist dictionary: its value element and what its text may be.
struct PlistKey {
  std::string type;  // string, integer, data, array, dict, boolean (true/false)
  Check value = kAny;
};

// Checks every key of the dictionary at `dict` against `schema`: known, once, of its type, with an
// allowed value; and that every key in `required` is there.
void ExpectDictFollows(const Xml& x, const std::string& dict,
                       const std::map<std::string, PlistKey>& schema,
                       const std::set<std::string>& required, const std::string& where) {
  std::vector<std::string> keys = x.All(dict + "/key");
  std::set<std::string> seen;
  for (const std::string& key : keys) {
    EXPECT_TRUE(seen.insert(key).second) << where << ": key " << key << " twice";
    auto it = schema.find(key);
    if (it == schema.end()) {
      ADD_FAILURE() << where << ": key " << key << " is not in the schema";
      continue;
    }
    std::string value = dict + "/key[.='" + key + "']/following-sibling::*[1]";
    const std::string& type = it->second.type;
    std::string element =
        type == "boolean" ? "[self::true or self::false]" : "[self::" + type + "]";
    EXPECT_EQ(x.All(value + element).size(), 1u) << where << ": " << key << " is not a " << type;
    if (type == "string" || type == "integer" || type == "data") {
      std::string text = x.One(value);
      EXPECT_TRUE(it->second.value(text)) << where << ": " << key << " = '" << text << "'";
    }
  }
  for (const std::string& key : required)
    EXPECT_TRUE(seen.contains(key)) << where << ": required key " << key << " is missing";
}

// com.apple.security.scep's PayloadContent.
const std::map<std::string, PlistKey> kScepContent = {
    {"URL",
     {"string",
      [](const std::string& v) { return v.starts_with("http://") || v.starts_with("https://"); }}},
    {"Name", {"string"}},
    {"Subject", {"array"}},
    {"Challenge", {"string", kNonEmpty}},
    {"Keysize", {"integer", OneOf({"1024", "2048", "4096"})}},
    {"Key Type", {"string", OneOf({"RSA"})}},
    {"Key Usage", {"integer", OneOf({"0", "1", "4", "5"})}},
    {"CAFingerprint",
     {"data",
      [](const std::string& v) {
        auto d = Base64Decode(v);
        return d && (d->size() == 16 || d->size() == 20 || d->size() == 32);
      }}},
    {"Retries", {"integer", IntIn(0, 1000)}},
    {"RetryDelay", {"integer", IntIn(0, 100000)}},
    {"SubjectAltName", {"dict"}},
    {"KeyIsExtractable", {"boolean"}},
    {"AllowAllAppsAccess", {"boolean"}},
};
const std::map<std::string, PlistKey> kSubjectAltName = {
    {"dNSName", {"array"}},
    {"rfc822Name", {"array"}},
    {"uniformResourceIdentifier", {"array"}},
    {"ntPrincipalName", {"string", kNonEmpty}},
};
// The keys every payload in a profile's PayloadContent has, plus each type's own.
std::map<std::string, PlistKey> PayloadKeys(const std::string& type) {
  std::map<std::string, PlistKey> keys = {
      {"PayloadType", {"string", OneOf({type})}},
      {"PayloadVersion", {"integer", OneOf({"1"})}},
      {"PayloadIdentifier", {"string", kReverseDns}},
      {"PayloadUUID", {"string", kUuid}},
      {"PayloadDisplayName", {"string"}},
      {"PayloadDescription", {"string"}},
  };
  if (type == "com.apple.security.scep") keys["PayloadContent"] = {"dict"};
  if (type == "com.apple.security.root") {
    keys["PayloadContent"] = {
        "data", [](const std::string& v) { return CertFromDer(*Base64Decode(v)).has_value(); }};
    keys["PayloadCertificateFileName"] = {"string"};
  }
  return keys;
}
const std::map<std::string, PlistKey> kConfiguration = {
    {"PayloadContent", {"array"}},
    {"PayloadType", {"string", OneOf({"Configuration"})}},
    {"PayloadVersion", {"integer", OneOf({"1"})}},
    {"PayloadIdentifier", {"string", kReverseDns}},
    {"PayloadUUID", {"string", kUuid}},
    {"PayloadDisplayName", {"string"}},
    {"PayloadDescription", {"string"}},
    {"PayloadScope", {"string", OneOf({"System", "User"})}},
};

// One node of the CSP's SCEP/<id>/Install: its SyncML format and what its data may be.
struct CspNode {
  std::string format;  // chr | int
  Check value = kAny;
};
const Check kSans = [](const std::string& v) {
  return v.empty() ||
         std::regex_match(v, std::regex("(2|3|7|8|11)\\+[^;]+(;(2|3|7|8|11)\\+[^;]+)*"));
};
const std::map<std::string, CspNode> kInstall = {
    {"ServerURL", {"chr", kNonEmpty}},
    {"Challenge", {"chr", kNonEmpty}},
    {"EKUMapping",
     {"chr",
      [](const std::string& v) {
        return std::regex_match(v, std::regex("[0-9]+(\\.[0-9]+)+(\\+[0-9]+(\\.[0-9]+)+)*"));
      }}},
    {"KeyUsage",
     {"int",
      [](const std::string& v) {
        return IsInt(v) && std::stol(v) > 0 && std::stol(v) <= 0xff && (std::stol(v) & 0xa0) != 0;
      }}},
    {"KeyLength", {"int", OneOf({"1024", "2048", "4096"})}},
    {"HashAlgorithm",
     {"chr",
      [](const std::string& v) {
        return std::regex_match(v, std::regex("(SHA-1|SHA-2|SHA-3)(\\+(SHA-1|SHA-2|SHA-3))*"));
      }}},
    {"SubjectName", {"chr"}},
    {"SubjectAlternativeNames", {"chr", kSans}},
    {"CAThumbprint",
     {"chr", [](const std::string& v) { return std::regex_match(v, std::regex("[0-9A-F]{40}")); }}},
    {"RetryCount", {"int", IntIn(0, 30)}},
    {"RetryDelay", {"int", IntIn(1, 100000)}},
    {"ValidPeriod", {"chr", OneOf({"Days", "Months", "Years"})}},
    {"ValidPeriodUnits", {"int", IntIn(1, 100000)}},
    {"KeyProtection", {"int", OneOf({"1", "2", "3"})}},
    {"ContainerName", {"chr"}},
    {"TemplateName", {"chr"}},
    {"CustomTextToShowInPrompt", {"chr"}},
};

// Every profile shape the exporters take: certificate type, key size, key usage, SANs, the
// fingerprint hash, key extractability, retry delay.
std::vector<PayloadContent> Shapes() {
  std::vector<PayloadContent> out;
  const uint32_t usages[] = {KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT,
                             KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT};
  for (const char* type : {"device", "user"})
    for (int bits : {1024, 2048, 4096})
      for (uint32_t ku : usages)
        for (bool sans : {false, true})
          for (const char* fingerprint : {"sha1", "sha256"})
            for (bool extractable : {true, false})
              for (int64_t delay : {0, 90, 3600}) {
                PayloadContent c = Sample();
                c.cert_type = type;
                c.key_size = bits;
                c.key_usage = ku;
                if (!sans) c.sans.clear();
                c.ca_fingerprint = fingerprint;
                c.key_extractable = extractable;
                c.retry_delay_seconds = delay;
                out.push_back(c);
              }
  return out;
}

TEST(PayloadSchemaTest, EveryAppleProfileShapeFollowsTheSchema) {
  const std::string top = "/plist/dict";
  const std::string scep =
      top + "/array/dict[key='PayloadType' and string='com.apple.security.scep']";
  const std::string root =
      top + "/array/dict[key='PayloadType' and string='com.apple.security.root']";
  int n = 0;
  for (const PayloadContent& c : Shapes()) {
    auto text = PayloadMobileconfig(c);
    ASSERT_TRUE(text) << text.error().message;
    Xml x(*text);
    ASSERT_TRUE(x.ok());
    std::string where = "shape " + std::to_string(n++);
    ExpectDictFollows(x, top, kConfiguration,
                      {"PayloadContent", "PayloadType", "PayloadVersion", "PayloadIdentifier",
                       "PayloadUUID", "PayloadScope"},
                      where);
    ASSERT_EQ(x.All(top + "/array/dict").size(), 2u) << where;
    ExpectDictFollows(
        x, scep, PayloadKeys("com.apple.security.scep"),
        {"PayloadContent", "PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID"},
        where + " scep");
    ExpectDictFollows(
        x, root, PayloadKeys("com.apple.security.root"),
        {"PayloadContent", "PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID"},
        where + " root");
    const std::string content = scep + "/dict";
    ExpectDictFollows(x, content, kScepContent, {"URL", "Challenge", "Keysize", "CAFingerprint"},
                      where + " scep content");
    if (!c.sans.empty())
      ExpectDictFollows(x, content + "/key[.='SubjectAltName']/following-sibling::dict[1]",
                        kSubjectAltName, {}, where + " SubjectAltName");
    // Subject: an array of RDNs, each an array of [type, value] string pairs.
    std::string subject = content + "/key[.='Subject']/following-sibling::array[1]";
    EXPECT_EQ(x.All(subject + "/*[not(self::array)]").size(), 0u) << where;
    EXPECT_EQ(x.All(subject + "/array/*[not(self::array)]").size(), 0u) << where;
    EXPECT_EQ(x.All(subject + "/array/array[count(string) != 2 or count(*) != 2]").size(), 0u)
        << where;
    // The fingerprint's hash is the profile's: Apple picks it by the length.
    Bytes fingerprint =
        *Base64Decode(x.One(content + "/key[.='CAFingerprint']/following-sibling::data[1]"));
    EXPECT_EQ(fingerprint.size(), c.ca_fingerprint == "sha256" ? 32u : 20u) << where;
    EXPECT_EQ(x.One(top + "/key[.='PayloadScope']/following-sibling::string[1]"),
              c.cert_type == "user" ? "User" : "System")
        << where;
  }
}

TEST(PayloadSchemaTest, EveryWindowsProfileShapeFollowsTheCsp) {
  int n = 0;
  for (const PayloadContent& c : Shapes()) {
    auto text = PayloadSyncml(c);
    ASSERT_TRUE(text) << text.error().message;
    Xml x(*text);
    ASSERT_TRUE(x.ok());
    std::string where = "shape " + std::to_string(n++);
    std::string base = (c.cert_type == "user" ? "./User" : "./Device") +
                       std::string("/Vendor/MSFT/ClientCertificateInstall/SCEP/");
    // One Atomic: Adds, then the Exec of Install/Enroll last.
    std::vector<std::string> targets = x.All("/Atomic/Add/Item/Target/LocURI");
    ASSERT_FALSE(targets.empty()) << where;
    const std::string node = targets.front();
    EXPECT_TRUE(node.starts_with(base)) << where << ": " << node;
    EXPECT_EQ(x.One("/Atomic/Add[1]/Item/Meta/m:Format"), "node") << where;
    EXPECT_EQ(x.All("/Atomic/*[last()][self::Exec]/Item/Target/LocURI"),
              std::vector<std::string>{node + "/Install/Enroll"})
        << where;
    std::set<std::string> seen;
    for (size_t i = 1; i < targets.size(); ++i) {
      ASSERT_TRUE(targets[i].starts_with(node + "/Install/")) << where << ": " << targets[i];
      std::string name = targets[i].substr(node.size() + std::string("/Install/").size());
      EXPECT_TRUE(seen.insert(name).second) << where << ": " << name << " twice";
      auto it = kInstall.find(name);
      if (it == kInstall.end()) {
        ADD_FAILURE() << where << ": Install/" << name << " is not a CSP node";
        continue;
      }
      std::string item = "/Atomic/Add/Item[Target/LocURI='" + targets[i] + "']";
      EXPECT_EQ(x.One(item + "/Meta/m:Format"), it->second.format) << where << ": " << name;
      std::string data = x.One(item + "/Data");
      EXPECT_TRUE(it->second.value(data)) << where << ": " << name << " = '" << data << "'";
    }
    for (const char* required : {"ServerURL", "Challenge", "EKUMapping", "KeyUsage", "KeyLength",
                                 "HashAlgorithm", "SubjectName", "CAThumbprint"})
      EXPECT_TRUE(seen.contains(required)) << where << ": Install/" << required << " is missing";
  }
}

}  // namespace
}  // namespace scepgate::mgmt
