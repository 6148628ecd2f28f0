// The directory through the real binary: `scepgate device|user|group ...` against the data dir of
// a running gateway, JSON output field by field, every error path, and persistence over restart.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kDn[] = "CN=Müller\\, \"Jürgen\",OU=Zürich Büro,DC=example,DC=com";

class DirectoryTest : public CliTest {
 protected:
  void AddDirectory() {
    Ok({"user", "add", "--upn", "Alice@Example.com", "--email", "alice@example.com", "--sid",
        "S-1-5-21-3623811015-3361044348-30300820-1013", "--dn", kDn});
    Ok({"user", "add", "--upn", "bob@example.com"});
    owned_ = AddDevice({"--name", "alice-laptop", "--platform", "windows", "--serial", "5CG1234",
                        "--owner", "alice@example.com"});
    kiosk_ = AddDevice({"--name", "kiosk 1", "--platform", "android"});
    Ok({"group", "add", "Sales", "--description", "sales team, EMEA"});
    Ok({"group", "add", "kiosks"});
    Ok({"group", "add-member", "sales", "--user", "ALICE@example.com"});
    Ok({"group", "add-member", "Sales", "--device", owned_});
    Ok({"group", "add-member", "kiosks", "--device", kiosk_});
  }

  std::string owned_;
  std::string kiosk_;
};

TEST_F(DirectoryTest, UsersDevicesAndGroupsShowEveryField) {
  AddDirectory();
  nlohmann::json alice = Json({"user", "show", "alice@EXAMPLE.com"});
  EXPECT_EQ(alice["upn"], "Alice@Example.com");
  EXPECT_EQ(alice["email"], "alice@example.com");
  EXPECT_EQ(alice["sid"], "S-1-5-21-3623811015-3361044348-30300820-1013");
  EXPECT_EQ(alice["on_prem_dn"], kDn);
  EXPECT_EQ(alice["disabled"], false);
  EXPECT_EQ(alice["created_at"].get<std::string>().size(), 20u);
  EXPECT_EQ(alice["groups"], nlohmann::json({"Sales"}));
  EXPECT_EQ(alice["devices"], nlohmann::json({owned_}));

  nlohmann::json laptop = Json({"device", "show", owned_});
  EXPECT_EQ(laptop["id"], owned_);
  EXPECT_EQ(laptop["name"], "alice-laptop");
  EXPECT_EQ(laptop["platform"], "windows");
  EXPECT_EQ(laptop["serial_number"], "5CG1234");
  EXPECT_EQ(laptop["owner"], "Alice@Example.com");
  EXPECT_EQ(laptop["retired"], false);
  EXPECT_FALSE(laptop.contains("retired_at"));
  EXPECT_EQ(laptop["groups"], nlohmann::json({"Sales"}));
  nlohmann::json kiosk = Json({"device", "show", kiosk_});
  EXPECT_EQ(kiosk["owner"], "");
  EXPECT_EQ(kiosk["serial_number"], "");
  EXPECT_EQ(kiosk["groups"], nlohmann::json({"kiosks"}));
  EXPECT_NE(Ok({"device", "show", kiosk_}).find("groups:     kiosks"), std::string::npos);

  nlohmann::json users = Json({"user", "list"});
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]["upn"], "Alice@Example.com");
  EXPECT_EQ(users[1]["upn"], "bob@example.com");
  nlohmann::json groups = Json({"group", "list"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["name"], "kiosks");
  EXPECT_EQ(groups[0]["devices"], 1);
  EXPECT_EQ(groups[0]["users"], 0);
  EXPECT_EQ(groups[1]["name"], "Sales");
  EXPECT_EQ(groups[1]["description"], "sales team, EMEA");
  EXPECT_EQ(groups[1]["devices"], 1);
  EXPECT_EQ(groups[1]["users"], 1);
  nlohmann::json mine = Json({"device", "list", "--owner", "ALICE@example.com"});
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["id"], owned_);
}

TEST_F(DirectoryTest, DeviceAddWithJsonPrintsTheDevice) {
  nlohmann::json d = Json({"device", "add", "--name", "mac", "--platform", "macOS"});
  EXPECT_EQ(d["name"], "mac");
  EXPECT_EQ(d["platform"], "macos");
  ASSERT_TRUE(d["id"].is_string());
  std::string id = d["id"];
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_EQ(Json({"device", "show", id})["name"], "mac");
}

TEST_F(DirectoryTest, EveryRuleFailsWithExitOneAndAClearMessage) {
  AddDirectory();
  Fails({"device", "add", "--name", "x", "--platform", "windows", "--owner", "ghost@example.com"},
        "no user with UPN ghost@example.com");
  Fails({"device", "add", "--name", "x", "--platform", "beos"}, "unknown platform 'beos'");
  Fails({"user", "add", "--upn", "ALICE@EXAMPLE.COM"}, "already exists");
  Fails({"user", "add", "--upn", "no-at-sign"}, "is not of the form name@domain");
  Fails({"user", "add", "--upn", "c@example.com", "--sid", "X-1-5"}, "SID 'X-1-5'");
  Fails({"group", "add", "SALES"}, "group SALES already exists");
  Fails({"group", "add-member", "Sales", "--device", owned_}, "already a member");
  Fails({"group", "add-member", "Sales", "--user", "alice@example.com"}, "already a member");
  Fails({"group", "add-member", "nogroup", "--user", "bob@example.com"}, "no group named nogroup");
  Fails({"group", "add-member", "Sales", "--device", "0000"}, "no device with id 0000");
  Fails({"group", "add-member", "Sales", "--user", "ghost@example.com"}, "no user with UPN");
  Fails({"group", "add-member", "Sales"}, "give exactly one of --device ID and --user UPN");
  Fails({"group", "add-member", "Sales", "--device", kiosk_, "--user", "bob@example.com"},
        "give exactly one");
  Fails({"group", "remove-member", "Sales", "--user", "bob@example.com"}, "is not a member");
  Fails({"group", "remove-member", "nogroup", "--user", "bob@example.com"}, "no group named");
  Fails({"device", "show", "0000"}, "no device with id 0000");
  Fails({"device", "retire", "0000"}, "no device with id 0000");
  Fails({"user", "show", "ghost@example.com"}, "no user with UPN ghost@example.com");
  Fails({"user", "disable", "ghost@example.com"}, "no user with UPN ghost@example.com");
  Fails({"device", "list", "--owner", "ghost@example.com"}, "no user with UPN");
  Ok({"device", "retire", kiosk_});
  Fails({"device", "retire", kiosk_}, "is already retired");
  Ok({"user", "disable", "bob@example.com"});
  Fails({"user", "disable", "BOB@example.com"}, "is already disabled");
  Fails({"device", "add", "--name", "x", "--platform", "ios", "--owner", "bob@example.com"},
        "is disabled");
}

TEST_F(DirectoryTest, UsageErrorsExitTwoAndHelpSucceeds) {
  Misused({"device", "add", "--platform", "linux"}, "--name is required");
  Misused({"device", "add", "--name", "x", "--platform", "linux", "--colour", "red"}, "--colour");
  Misused({"frobnicate"}, "unknown command 'frobnicate'");
  Misused({"device", "frob"}, "unknown command 'frob'");
  Misused({"device"}, "subcommand is required");
  Misused({"events", "list", "--limit", "many"}, "many");
  std::string out = Ok({"device", "add", "--help"});
  EXPECT_NE(out.find("--platform"), std::string::npos) << out;
  // Nothing was added by the refused commands.
  EXPECT_TRUE(Json({"device", "list"}).empty());
}

TEST_F(DirectoryTest, RetiredDevicesAreHiddenUnlessAll) {
  AddDirectory();
  Ok({"device", "retire", kiosk_});
  nlohmann::json active = Json({"device", "list"});
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0]["id"], owned_);
  nlohmann::json all = Json({"device", "list", "--all"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["id"], kiosk_);
  EXPECT_EQ(all[1]["retired"], true);
  EXPECT_TRUE(all[1].contains("retired_at"));
  EXPECT_EQ(Ok({"device", "list"}).find(kiosk_), std::string::npos);
  EXPECT_NE(Ok({"device", "list", "--all"}).find(kiosk_), std::string::npos);
  Ok({"group", "remove-member", "kiosks", "--device", kiosk_});
  EXPECT_EQ(Json({"group", "list"})[0]["devices"], 0);
}

TEST_F(DirectoryTest, DataSurvivesARestart) {
  AddDirectory();
  Ok({"user", "disable", "bob@example.com"});
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(Json({"user", "show", "alice@example.com"})["on_prem_dn"], kDn);
  EXPECT_EQ(Json({"user", "show", "bob@example.com"})["disabled"], true);
  EXPECT_EQ(Json({"device", "show", owned_})["groups"], nlohmann::json({"Sales"}));
  EXPECT_EQ(Json({"device", "list"}).size(), 2u);
  EXPECT_EQ(Json({"group", "list"}).size(), 2u);
}

}  // namespace
}  // namespace scepgate::testing
