#include "ca/test_util.h"
#include "common/asn1_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "ca/hierarchy.h"
#include "common/random.h"

namespace scepgate::ca::testutil {

namespace {

GeneralNamePtr Ia5Name(int type, std::string_view v) {
  GeneralNamePtr gen(GENERAL_NAME_new());
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  ASN1_STRING_set(s, v.data(), static_cast<int>(v.size()));
  GENERAL_NAME_set0_value(gen.get(), type, s);
  return gen;
}

template <class T>
std::string Str(const T* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

Bytes OctetBytes(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return {};
  const uint8_t* p = ASN1_STRING_get0_data(s);
  return Bytes(p, p + ASN1_STRING_length(s));
}

std::string Oid(const ASN1_OBJECT* obj) { return obj ? OidText(*obj) : std::string(); }

}  // namespace

EvpPkeyPtr SharedKey(std::string_view spec) {
  static std::mutex mu;
  static std::map<std::string, EvpPkeyPtr, std::less<>> keys;
  std::lock_guard lock(mu);
  auto it = keys.find(spec);
  if (it == keys.end()) {
    auto parsed = ParseKeySpec(spec);
    auto key = GenerateKey(*parsed);
    it = keys.emplace(std::string(spec), std::move(*key)).first;
  }
  EVP_PKEY_up_ref(it->second.get());
  return EvpPkeyPtr(it->second.get());
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

TestCa MakeTestCa(std::string_view spec, int64_t now, int issuing_days) {
  SystemRandom random;
  TestCa ca;
  ca.root_key = *GenerateKey(*ParseKeySpec(spec));
  ca.issuing_key = *GenerateKey(*ParseKeySpec(spec));
  ca.root = *MakeRootCa(*ca.root_key, "Test Root CA", 7300, now, random);
  ca.issuing = *MakeIssuingCa(*ca.issuing_key, "Test Issuing CA", issuing_days, *ca.root,
                              *ca.root_key, now, random);
  return ca;
}

GeneralNamePtr Dns(std::string_view v) { return Ia5Name(GEN_DNS, v); }
GeneralNamePtr Email(std::string_view v) { return Ia5Name(GEN_EMAIL, v); }
GeneralNamePtr Uri(std::string_view v) { return Ia5Name(GEN_URI, v); }

GeneralNamePtr Ip(const Bytes& addr) {
  GeneralNamePtr gen(GENERAL_NAME_new());
  ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(s, addr.data(), static_cast<int>(addr.size()));
  GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, s);
  return gen;
}

GeneralNamePtr OtherName(std::string_view oid, std::string_view v) {
  GeneralNamePtr gen(GENERAL_NAME_new());
  ASN1_TYPE* value = ASN1_TYPE_new();
  ASN1_UTF8STRING* utf8 = ASN1_UTF8STRING_new();
  ASN1_STRING_set(utf8, v.data(), static_cast<int>(v.size()));
  ASN1_TYPE_set(value, V_ASN1_UTF8STRING, utf8);
  GENERAL_NAME_set0_othername(gen.get(), OBJ_txt2obj(std::string(oid).c_str(), 1), value);
  return gen;
}

GeneralNamePtr Upn(std::string_view v) { return OtherName("1.3.6.1.4.1.311.20.2.3", v); }

GeneralNamePtr RegisteredId(std::string_view oid) {
  GeneralNamePtr gen(GENERAL_NAME_new());
  GENERAL_NAME_set0_value(gen.get(), GEN_RID, OBJ_txt2obj(std::string(oid).c_str(), 1));
  return gen;
}

GeneralNamePtr DirName(std::string_view cn) {
  GeneralNamePtr gen(GENERAL_NAME_new());
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.data()),
                             static_cast<int>(cn.size()), -1, 0);
  GENERAL_NAME_set0_value(gen.get(), GEN_DIRNAME, name);
  return gen;
}

X509ReqPtr MakeCsr(const EVP_PKEY& key, std::string_view cn, std::vector<GeneralNamePtr> sans,
                   bool extra) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (!cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Example Corp"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.data()),
                               static_cast<int>(cn.size()), -1, 0);
  }
  X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key));
  X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  STACK_OF(X509_EXTENSION)* raw = exts.get();
  if (!sans.empty()) {
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    for (auto& n : sans) sk_GENERAL_NAME_push(names.get(), n.release());
    X509V3_add1_i2d(&raw, NID_subject_alt_name, names.get(), 0, 0);
  }
  if (extra) {
    raw = exts.get();
    X509ExtensionPtr bc(
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE"));
    X509ExtensionPtr ku(
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, "critical,keyCertSign"));
    X509v3_add_ext(&raw, bc.get(), -1);
    X509v3_add_ext(&raw, ku.get(), -1);
  }
  if (sk_X509_EXTENSION_num(exts.get()) > 0) X509_REQ_add_extensions(req.get(), exts.get());
  X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256());
  return req;
}

std::vector<std::string> SanStrings(const X509& cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    switch (g->type) {
      case GEN_DNS:
        out.push_back("DNS:" + Str(g->d.dNSName));
        break;
      case GEN_EMAIL:
        out.push_back("email:" + Str(g->d.rfc822Name));
        break;
      case GEN_URI:
        out.push_back("URI:" + Str(g->d.uniformResourceIdentifier));
        break;
      case GEN_IPADD:
        out.push_back("IP:" + HexEncode(OctetBytes(g->d.iPAddress)));
        break;
      case GEN_OTHERNAME:
        if (Oid(g->d.otherName->type_id) == "1.3.6.1.4.1.311.20.2.3" &&
            g->d.otherName->value->type == V_ASN1_UTF8STRING) {
          out.push_back("UPN:" + Str(g->d.otherName->value->value.utf8string));
          break;
        }
        [[fallthrough]];
      default:
        out.push_back("other");
    }
  }
  return out;
}

std::vector<std::string> EkuOids(const X509& cert) {
  std::vector<std::string> out;
  ObjectStackPtr ekus(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(&cert, NID_ext_key_usage, nullptr, nullptr)));
  for (int i = 0; ekus && i < sk_ASN1_OBJECT_num(ekus.get()); ++i)
    out.push_back(Oid(sk_ASN1_OBJECT_value(ekus.get(), i)));
  return out;
}

int Criticality(const X509& cert, int nid) {
  int idx = X509_get_ext_by_NID(&cert, nid, -1);
  if (idx < 0) return -1;
  return X509_EXTENSION_get_critical(X509_get_ext(&cert, idx));
}

Bytes SubjectKeyId(const X509& cert) {
  Asn1OctetStringPtr ski(static_cast<ASN1_OCTET_STRING*>(
      X509_get_ext_d2i(&cert, NID_subject_key_identifier, nullptr, nullptr)));
  return OctetBytes(ski.get());
}

Bytes AuthorityKeyId(const X509& cert) {
  AuthorityKeyIdPtr akid(static_cast<AUTHORITY_KEYID*>(
      X509_get_ext_d2i(&cert, NID_authority_key_identifier, nullptr, nullptr)));
  return akid ? OctetBytes(akid->keyid) : Bytes{};
}

Bytes SerialBytes(const X509& cert) {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(&cert), nullptr));
  Bytes out(static_cast<size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

int64_t NotBefore(const X509& cert) { return *AsnTimeToUnix(*X509_get0_notBefore(&cert)); }
int64_t NotAfterOf(const X509& cert) { return *AsnTimeToUnix(*X509_get0_notAfter(&cert)); }

std::string VerifyChain(const X509& leaf, const X509& root,
                        const std::vector<const X509*>& intermediates) {
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), const_cast<X509*>(&root));
  X509StackPtr untrusted(sk_X509_new_null());
  for (const X509* c : intermediates) {
    X509_up_ref(const_cast<X509*>(c));
    sk_X509_push(untrusted.get(), const_cast<X509*>(c));
  }
  // As a relying party receives it: Issuer::Issue hands back an object without a decoded key.
  auto der = CertToDer(leaf);
  auto received = der ? CertFromDer(*der) : Result<X509Ptr>(Fail(der.error()));
  if (!received) return "leaf does not encode: " + received.error().message;
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), received->get(), untrusted.get());
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
  if (X509_verify_cert(ctx.get()) == 1) return "";
  std::string err = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  DrainOpenSslErrors();
  return err.empty() ? "failed" : err;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ca_test.XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {
EvpPkeyPtr Ref(const EvpPkeyPtr& key) {
  EVP_PKEY_up_ref(key.get());
  return EvpPkeyPtr(key.get());
}
}  // namespace

Result<TokenKey> FakeKeyToken::Generate(const KeySpec& spec, std::string_view role) {
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey(spec));
  std::lock_guard lock(mu_);
  std::string uri = "pkcs11:token=fake;object=" + std::string(role) + "-" +
                    std::to_string(keys_.size() + 1) + ";type=private";
  TokenKey out{Ref(key), uri};
  keys_.emplace(std::move(uri), std::move(key));
  return out;
}

Result<EvpPkeyPtr> FakeKeyToken::GenerateEphemeral(const KeySpec& spec) {
  return GenerateKey(spec);
}

Result<EvpPkeyPtr> FakeKeyToken::Load(std::string_view uri, const X509& cert) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(uri);
  if (it == keys_.end())
    return Fail(Error::NotFound("token 'fake' holds no key " + std::string(uri)));
  SG_TRY_STATUS(CheckKeySigns(*it->second, cert));
  return Ref(it->second);
}

size_t FakeKeyToken::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace scepgate::ca::testutil
