// SCEP profiles through the real binary: `scepgate profile ...` and `scepgate assign` against the
// data dir of a running gateway; targeting of devices by group membership, every refusal, partial
// updates, cascading deletes and the default trusted CA.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "cli_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kUrl[] = "https://scep.example.com/certsrv/mscep/mscep.dll";

// Lower-case hex without colons.
std::string Normalised(std::string thumbprint) {
  std::erase(thumbprint, ':');
  for (char& c : thumbprint) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return thumbprint;
}

class ProfileTest : public CliTest {
 protected:
  std::vector<std::string> Targets(const std::string& profile) {
    std::vector<std::string> ids;
    for (const auto& d : Json({"profile", "targets", profile})) ids.push_back(d["id"]);
    return ids;
  }
  // Users alice (in Sales) and bob; alice's laptop, bob's phone (in kiosks, not in Sales),
  // kiosk (in kiosks) and an old kiosk (in kiosks, retired); a device and a user profile.
  void AddEverything() {
    Ok({"user", "add", "--upn", "alice@example.com", "--sid",
        "S-1-5-21-3623811015-3361044348-30300820-1013"});
    Ok({"user", "add", "--upn", "bob@example.com"});
    laptop_ = AddDevice(
        {"--name", "alice-laptop", "--platform", "windows", "--owner", "alice@example.com"});
    phone_ = AddDevice({"--name", "bob-phone", "--platform", "ios", "--owner", "bob@example.com"});
    kiosk_ = AddDevice({"--name", "Lobby, \"Kiosk\" 1", "--platform", "android"});
    old_kiosk_ = AddDevice({"--name", "old kiosk", "--platform", "android"});
    Ok({"group", "add", "Sales"});
    Ok({"group", "add", "kiosks"});
    Ok({"group", "add-member", "Sales", "--user", "alice@example.com"});
    Ok({"group", "add-member", "kiosks", "--device", kiosk_});
    Ok({"group", "add-member", "kiosks", "--device", old_kiosk_});
    Ok({"group", "add-member", "kiosks", "--device", phone_});
    Ok({"device", "retire", old_kiosk_});
    Ok({"profile", "create", "Kiosk Wi-Fi", "--type", "device", "--subject",
        "CN={{DeviceName}},O=Example", "--san", "dns:{{DeviceId}}.kiosk.example", "--url", kUrl});
    Ok({"profile",
        "create",
        "user-vpn",
        "--type",
        "user",
        "--subject",
        "CN={{UserName}}",
        "--san",
        "upn:{{UserPrincipalName}}",
        "--strong-mapping",
        "--purpose",
        "signature",
        "--eku",
        "clientAuth",
        "--eku",
        "1.3.6.1.4.1.311.20.2.2",
        "--key",
        "ec",
        "--hash",
        "sha384",
        "--validity-days",
        "90",
        "--renewal-threshold",
        "30",
        "--url",
        kUrl,
        "--url",
        "http://backup.example.com/scep",
        "--require-approval"});
  }

  std::string laptop_, phone_, kiosk_, old_kiosk_;
};

TEST_F(ProfileTest, CreateShowsEveryFieldAndDefaults) {
  AddEverything();
  nlohmann::json kiosk = Json({"profile", "show", "kiosk wi-fi"});
  EXPECT_EQ(kiosk["name"], "Kiosk Wi-Fi");
  EXPECT_EQ(kiosk["type"], "device");
  EXPECT_EQ(kiosk["subject"], "CN={{DeviceName}},O=Example");
  EXPECT_EQ(kiosk["sans"], nlohmann::json({"dns:{{DeviceId}}.kiosk.example"}));
  EXPECT_EQ(kiosk["strong_mapping"], false);
  EXPECT_EQ(kiosk["purpose"], "general");
  EXPECT_EQ(kiosk["ekus"], nlohmann::json({"clientAuth"}));
  EXPECT_EQ(kiosk["key_type"], "rsa");
  EXPECT_EQ(kiosk["min_key_size"], 2048);
  EXPECT_EQ(kiosk["hash"], "sha256");
  EXPECT_EQ(kiosk["validity_days"], 365);
  EXPECT_EQ(kiosk["renewal_threshold"], 20);
  EXPECT_EQ(kiosk["urls"], nlohmann::json({kUrl}));
  EXPECT_EQ(kiosk["require_approval"], false);
  EXPECT_EQ(kiosk["groups"], nlohmann::json::array());

  nlohmann::json ca = Json({"ca", "show"});
  ASSERT_TRUE(ca.contains("root"));
  EXPECT_EQ(kiosk["trusted_ca"], Normalised(ca["root"]["sha256"]));

  nlohmann::json vpn = Json({"profile", "show", "user-vpn"});
  EXPECT_EQ(vpn["type"], "user");
  EXPECT_EQ(vpn["strong_mapping"], true);
  EXPECT_EQ(vpn["purpose"], "signature");
  EXPECT_EQ(vpn["ekus"], nlohmann::json({"clientAuth", "1.3.6.1.4.1.311.20.2.2"}));
  EXPECT_EQ(vpn["key_type"], "ec");
  EXPECT_EQ(vpn["min_key_size"], 256);
  EXPECT_EQ(vpn["hash"], "sha384");
  EXPECT_EQ(vpn["validity_days"], 90);
  EXPECT_EQ(vpn["renewal_threshold"], 30);
  EXPECT_EQ(vpn["urls"], nlohmann::json({kUrl, "http://backup.example.com/scep"}));
  EXPECT_EQ(vpn["require_approval"], true);

  nlohmann::json list = Json({"profile", "list"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "Kiosk Wi-Fi");
  EXPECT_EQ(list[1]["name"], "user-vpn");
  EXPECT_NE(Ok({"profile", "show", "user-vpn"}).find("hash:              sha384"),
            std::string::npos);

  std::string colons = ca["root"]["sha256"];
  Ok({"profile", "create", "explicit", "--type", "device", "--subject", "CN=x", "--url", kUrl,
      "--trusted-ca", colons});
  EXPECT_EQ(Json({"profile", "show", "explicit"})["trusted_ca"], Normalised(colons));
}

TEST_F(ProfileTest, AssignmentsTargetDevicesByGroup) {
  AddEverything();
  EXPECT_TRUE(Targets("Kiosk Wi-Fi").empty());
  Ok({"assign", "kiosk wi-fi", "--group", "KIOSKS"});
  Ok({"assign", "user-vpn", "--group", "sales"});
  EXPECT_EQ(Json({"profile", "show", "Kiosk Wi-Fi"})["groups"], nlohmann::json({"kiosks"}));
  EXPECT_EQ(Json({"profile", "show", "user-vpn"})["groups"], nlohmann::json({"Sales"}));

  // Member devices, but not the retired one.
  EXPECT_EQ(Targets("Kiosk Wi-Fi"), (std::vector<std::string>{phone_, kiosk_}));
  // Devices of member owners: alice is in Sales, bob is not (his phone is, but that is no matter).
  EXPECT_EQ(Targets("user-vpn"), (std::vector<std::string>{laptop_}));
  nlohmann::json targeted = Json({"profile", "targets", "user-vpn"});
  EXPECT_EQ(targeted[0]["owner"], "alice@example.com");
  EXPECT_NE(Ok({"profile", "targets", "Kiosk Wi-Fi"}).find(kiosk_), std::string::npos);

  Ok({"group", "add-member", "Sales", "--user", "bob@example.com"});
  EXPECT_EQ(Targets("user-vpn"), (std::vector<std::string>{laptop_, phone_}));

  Ok({"assign", "Kiosk Wi-Fi", "--group", "kiosks", "--remove"});
  EXPECT_TRUE(Targets("Kiosk Wi-Fi").empty());
  EXPECT_EQ(Json({"profile", "show", "Kiosk Wi-Fi"})["groups"], nlohmann::json::array());
}

TEST_F(ProfileTest, EveryRefusalExitsOneWithAClearMessage) {
  AddEverything();
  Args base = {"profile", "create", "p", "--type", "device", "--url", kUrl};
  auto with = [&](const Args& extra) {
    Args a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  Fails(with({"--subject", "CN={{DeviceNom}}"}), "unknown variable {{DeviceNom}}");
  Fails(with({"--subject", "CN={{DeviceName}"}), "unbalanced braces");
  Fails(with({}), "subject format or at least one SAN");
  Fails(with({"--san", "ip:10.0.0.1"}), "TYPE dns, email, upn or uri");
  Fails(with({"--subject", "CN=x", "--purpose", "both"}), "unknown template purpose");
  Fails(with({"--subject", "CN=x", "--eku", "anyPurpose"}), "unknown EKU 'anyPurpose'");
  Fails(with({"--subject", "CN=x", "--key", "ec", "--min-key-size", "2048"}), "256, 384 or 521");
  Fails(with({"--subject", "CN=x", "--min-key-size", "1024"}), "2048..16384");
  Fails(with({"--subject", "CN=x", "--hash", "md5"}), "unknown hash 'md5'");
  Fails(with({"--subject", "CN=x", "--validity-days", "3651"}), "1..3650");
  Fails(with({"--subject", "CN=x", "--renewal-threshold", "100"}), "1..99");
  Fails(with({"--subject", "CN=x", "--url", "ftp://x"}), "must start with http:// or https://");
  Fails(with({"--subject", "CN=x", "--trusted-ca", "abcd"}), "64 hex digits");
  Fails({"profile", "create", "p", "--subject", "CN=x", "--url", kUrl}, "certificate type");
  Fails({"profile", "create", "p", "--type", "device", "--subject", "CN=x"}, "SCEP server URL");
  Fails(
      {"profile", "create", "KIOSK WI-FI", "--type", "device", "--subject", "CN=x", "--url", kUrl},
      "already exists");
  Fails({"profile", "update", "ghost", "--hash", "sha512"}, "no profile named ghost");
  Fails({"profile", "update", "user-vpn", "--eku", "bogus"}, "unknown EKU 'bogus'");
  Fails({"profile", "show", "ghost"}, "no profile named ghost");
  Fails({"profile", "targets", "ghost"}, "no profile named ghost");
  Fails({"profile", "delete", "ghost"}, "no profile named ghost");
  Fails({"assign", "ghost", "--group", "Sales"}, "no profile named ghost");
  Fails({"assign", "user-vpn", "--group", "nogroup"}, "no group named nogroup");
  Ok({"assign", "user-vpn", "--group", "Sales"});
  Fails({"assign", "USER-VPN", "--group", "sales"}, "already assigned");
  Fails({"assign", "user-vpn", "--group", "kiosks", "--remove"}, "is not assigned to group");
  EXPECT_EQ(Json({"profile", "list"}).size(), 2u);
}

TEST_F(ProfileTest, UpdateChangesOnlyTheGivenFields) {
  AddEverything();
  nlohmann::json before = Json({"profile", "show", "user-vpn"});
  Ok({"profile", "update", "USER-VPN", "--san", "email:{{EmailAddress}}", "--san",
      "uri:urn:{{UserSid}}", "--no-strong-mapping", "--validity-days", "30"});
  nlohmann::json after = Json({"profile", "show", "user-vpn"});
  EXPECT_EQ(after["sans"], nlohmann::json({"email:{{EmailAddress}}", "uri:urn:{{UserSid}}"}));
  EXPECT_EQ(after["strong_mapping"], false);
  EXPECT_EQ(after["validity_days"], 30);
  for (const char* field :
       {"name", "type", "subject", "purpose", "ekus", "key_type", "min_key_size", "hash",
        "renewal_threshold", "urls", "trusted_ca", "require_approval", "created_at"}) {
    EXPECT_EQ(after[field], before[field]) << field;
  }
  Ok({"profile", "update", "user-vpn", "--url", "https://only.example.com/scep"});
  EXPECT_EQ(Json({"profile", "show", "user-vpn"})["urls"],
            nlohmann::json({"https://only.example.com/scep"}));
}

TEST_F(ProfileTest, DeleteRemovesTheProfileAndItsAssignments) {
  AddEverything();
  Ok({"assign", "user-vpn", "--group", "Sales"});
  Ok({"assign", "user-vpn", "--group", "kiosks"});
  Ok({"profile", "delete", "User-VPN"});
  Fails({"profile", "show", "user-vpn"}, "no profile named user-vpn");
  EXPECT_EQ(Json({"profile", "list"}).size(), 1u);
  // A profile created again under the name starts with no assignments and targets nothing.
  Ok({"profile", "create", "user-vpn", "--type", "user", "--subject", "CN={{UserName}}", "--url",
      kUrl});
  EXPECT_EQ(Json({"profile", "show", "user-vpn"})["groups"], nlohmann::json::array());
  EXPECT_TRUE(Targets("user-vpn").empty());
  Ok({"assign", "user-vpn", "--group", "Sales"});
  EXPECT_EQ(Targets("user-vpn"), (std::vector<std::string>{laptop_}));
}

TEST_F(ProfileTest, ProfilesSurviveARestart) {
  AddEverything();
  Ok({"assign", "Kiosk Wi-Fi", "--group", "kiosks"});
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(Json({"profile", "show", "Kiosk Wi-Fi"})["groups"], nlohmann::json({"kiosks"}));
  EXPECT_EQ(Json({"profile", "show", "user-vpn"})["urls"].size(), 2u);
  EXPECT_EQ(Targets("Kiosk Wi-Fi"), (std::vector<std::string>{phone_, kiosk_}));
}

}  // namespace
}  // namespace scepgate::testing
