// Names as the directory, profiles and tokens check them (mgmt/names.h), and through them.
#include "mgmt/names.h"

#include <gtest/gtest.h>

#include <string>

#include "mgmt/directory.h"
#include "mgmt/tokens.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

void ExpectInvalid(const Result<std::string>& r, const std::string& in_message) {
  ASSERT_FALSE(r) << *r;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(in_message), std::string::npos) << r.error().message;
}

TEST(NamesTest, ANameIsStoredInNfc) {
  EXPECT_EQ(*CheckName("Mu\xcc\x88ller's PC", "device name"), "M\xc3\xbcller's PC");
  EXPECT_EQ(*CheckText("", "description"), "");
}

TEST(NamesTest, RefusesWhatAPersonCannotSeeOrTellApart) {
  ExpectInvalid(CheckName("", "device name"), "device name must not be empty");
  ExpectInvalid(CheckName(std::string("a\0b", 3), "device name"), "control or format");
  ExpectInvalid(CheckName("invoice\xe2\x80\xaegpj.exe", "device name"), "control or format");
  ExpectInvalid(CheckName("a\xe2\x81\xa6"
                          "b",
                          "group name"),
                "control or format");
  ExpectInvalid(CheckName("\xff\xfe", "group name"), "not valid UTF-8");
  ExpectInvalid(CheckName("p\xd0\xb0ypal", "profile name"), "look-alikes");
  ExpectInvalid(CheckName(std::string(257, 'x'), "device name"), "longer than 256 bytes");
  ExpectInvalid(CheckName(std::string(2'000'000, 'x'), "device name"), "longer than 256 bytes");
  ExpectInvalid(CheckText(std::string(1025, 'x'), "group description"), "1024");
  EXPECT_TRUE(CheckName(std::string(256, 'x'), "device name"));
  EXPECT_TRUE(CheckText("two\tcolumns", "x").error().message.find("control") != std::string::npos);
}

TEST(NamesTest, SameNameFoldsCaseTheUnicodeWay) {
  EXPECT_TRUE(SameName("STRASSE",
                       "Stra\xc3\x9f"
                       "e"));
  EXPECT_TRUE(SameName("Mu\xcc\x88ller", "M\xc3\x9cLLER"));
  EXPECT_FALSE(SameName("\xc4\xb1stanbul", "istanbul"));  // Turkish dotless i stays apart
}

class DirectoryNamesTest : public ::testing::Test {
 protected:
  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
};

TEST_F(DirectoryNamesTest, EveryStoredNameGoesThroughTheChecks) {
  NewDevice d;
  d.platform = "linux";
  d.name = std::string(2'000'000, 'x');
  EXPECT_EQ(dir_.AddDevice(d).error().code, ErrorCode::kInvalidArgument);
  d.name =
      "Lobby\xe2\x80\xae"
      "1";
  EXPECT_EQ(dir_.AddDevice(d).error().code, ErrorCode::kInvalidArgument);
  d.name = "Mu\xcc\x88ller";
  auto added = dir_.AddDevice(d);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->name, "M\xc3\xbcller");

  NewUser u;
  u.upn = "p\xd0\xb0ypal@example.com";
  EXPECT_EQ(dir_.AddUser(u, Role::kAdmin).error().code, ErrorCode::kInvalidArgument);
  u.upn = "j\xc3\xbcrgen@example.com";
  u.on_prem_dn = std::string("CN=x\0", 5);
  EXPECT_EQ(dir_.AddUser(u, Role::kAdmin).error().code, ErrorCode::kInvalidArgument);
  u.on_prem_dn.clear();
  ASSERT_TRUE(dir_.AddUser(u, Role::kAdmin));
  // Found, and taken, in any case: ASCII-only folding would miss both.
  EXPECT_TRUE(dir_.ShowUser("J\xc3\x9cRGEN@EXAMPLE.COM"));
  u.upn = "JU\xcc\x88RGEN@example.com";
  EXPECT_EQ(dir_.AddUser(u, Role::kAdmin).error().code, ErrorCode::kAlreadyExists);

  ASSERT_TRUE(
      dir_.AddGroup("Stra\xc3\x9f"
                    "e",
                    ""));
  EXPECT_EQ(dir_.AddGroup("STRASSE", "").error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(dir_.ShowGroup("strasse"));
  EXPECT_EQ(dir_.AddGroup("g", std::string(1025, 'd')).error().code, ErrorCode::kInvalidArgument);
}

TEST(TokenNamesTest, ATokenNameIsCheckedToo) {
  store::MemoryStore store;
  FakeClock clock{1700000000};
  FakeRandom random;
  Tokens tokens(store, clock, random);
  EXPECT_EQ(tokens.Create("admin", "ci\xe2\x80\xae").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens.Create("admin", std::string(101, 'x')).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(tokens.Create("admin", ""));
}

}  // namespace
}  // namespace scepgate::mgmt
