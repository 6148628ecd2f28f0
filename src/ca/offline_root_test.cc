// init --offline-root: the root key goes once to a file outside the data dir, and a rollover
// needs it back (--root-key) while everything else works without it.
#include "ca/offline_root.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ca/ca_dir.h"
#include "ca/hierarchy.h"
#include "ca/test_util.h"
#include "common/files.h"

namespace scepgate::ca {
namespace {

namespace fs = std::filesystem;
using namespace testutil;
using ::testing::HasSubstr;

class OfflineRootTest : public ::testing::Test {
 protected:
  fs::path dir() const { return data_.path() / "data"; }
  fs::path ca() const { return dir() / "ca"; }
  fs::path key_file() const { return away_.path() / "root.key"; }
  CreateCaOptions Options(const fs::path& offline) const {
    CreateCaOptions o;
    o.name = "Acme";
    o.key = *ParseKeySpec("ec:p256");
    o.offline_root_key = offline;
    return o;
  }
  Status Create(const fs::path& offline) {
    return CreateCaDirectory(dir(), Options(offline), now_, random_);
  }

  TempDir data_;
  TempDir away_;
  SystemRandom random_;
  int64_t now_ = Now();
};

TEST_F(OfflineRootTest, TheRootKeyIsWrittenOnce0600AndNotKeptInTheDataDir) {
  auto created = Create(key_file());
  ASSERT_TRUE(created) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(key_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(ca() / "root.key"));
  EXPECT_TRUE(fs::exists(ca() / "root.crt"));
  EXPECT_TRUE(RootKeyOffline(dir()));

  // What serving needs loads without the root key; the chain is whole.
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->root);
  EXPECT_EQ(VerifyChain(*set->ra.cert, *set->root, {set->issuing.cert.get()}), "");
  auto key = KeyFromPem(*ReadFile(key_file()));
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(set->root.get(), key->get()), 1);
}

TEST_F(OfflineRootTest, ARolloverNeedsTheRootKeyByItsFlag) {
  ASSERT_TRUE(Create(key_file()));
  auto without = StageRollover(dir(), nullptr, now_, random_);
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(without.error().message, HasSubstr("--root-key"));
  EXPECT_THAT(without.error().message, HasSubstr("offline"));

  auto missing = StageRollover(dir(), nullptr, now_, random_, away_.path() / "nope.key");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("--root-key"));

  auto wrong = StageRollover(dir(), nullptr, now_, random_, ca() / "issuing.key");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(wrong.error().message, HasSubstr("not the private key of the root CA"));

  ASSERT_TRUE(WriteFile(away_.path() / "garbage.key", "not a key"));
  auto garbage = StageRollover(dir(), nullptr, now_, random_, away_.path() / "garbage.key");
  ASSERT_FALSE(garbage);
  EXPECT_THAT(garbage.error().message, HasSubstr("--root-key"));
  EXPECT_FALSE(fs::exists(ca() / "next"));

  auto staged = StageRollover(dir(), nullptr, now_, random_, key_file());
  ASSERT_TRUE(staged) << staged.error().message;
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set && set->next.cert);
  EXPECT_TRUE(IsIssuedBy(*set->next.cert, *set->root));
  // Activation signs only with the new CA: no root key needed.
  auto activated = ActivateRollover(dir(), now_, random_);
  ASSERT_TRUE(activated) << activated.error().message;
  EXPECT_FALSE(fs::exists(ca() / "root.key"));
  EXPECT_TRUE(LoadCaDirectory(dir()));
}

TEST_F(OfflineRootTest, AFileInsideTheDataDirOrAlreadyThereIsRefusedBeforeAnythingIsWritten) {
  for (const fs::path& inside :
       {dir() / "root.key", dir() / "ca" / "root.key", dir(), dir() / "sub" / ".." / "root.key"}) {
    auto refused = Create(inside);
    ASSERT_FALSE(refused) << inside;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << inside;
    EXPECT_THAT(refused.error().message, HasSubstr("inside the data dir"));
  }
  // Through a symlink that leads into the data dir, too.
  fs::create_directories(dir());
  fs::create_directory_symlink(dir(), away_.path() / "link");
  auto linked = Create(away_.path() / "link" / "root.key");
  ASSERT_FALSE(linked);
  EXPECT_THAT(linked.error().message, HasSubstr("inside the data dir"));

  ASSERT_TRUE(WriteFile(key_file(), "precious"));
  auto exists = Create(key_file());
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(key_file()), "precious");
  auto no_dir = Create(away_.path() / "no-such-dir" / "root.key");
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(ca()));

  CreateCaOptions both = Options(away_.path() / "other.key");
  both.import_cert = away_.path() / "ca.crt";
  both.import_key = away_.path() / "ca.key";
  EXPECT_EQ(CreateCaDirectory(dir(), both, now_, random_).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(OfflineRootTest, AKeptRootKeyStillWorksAndAGivenOneMustMatch) {
  CreateCaOptions o = Options({});
  ASSERT_TRUE(CreateCaDirectory(dir(), o, now_, random_));
  EXPECT_FALSE(RootKeyOffline(dir()));
  auto wrong = StageRollover(dir(), nullptr, now_, random_, ca() / "issuing.key");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(StageRollover(dir(), nullptr, now_, random_, ca() / "root.key"));
}

}  // namespace
}  // namespace scepgate::ca
