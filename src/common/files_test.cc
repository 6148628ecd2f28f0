#include "common/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace scepgate {
namespace {

TEST(Files, PrivateFileIs0600AndReadsBack) {
  auto dir = std::filesystem::temp_directory_path() / ("sg_files_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / "k.pem";
  ASSERT_TRUE(WritePrivateFile(p, "secret"));
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadFile(p), "secret");
  EXPECT_EQ(ReadFile(dir / "missing").error().code, ErrorCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(Files, ReadPrivateFileRefusesAFileOthersMayRead) {
  auto dir = std::filesystem::temp_directory_path() / ("sg_files_rp_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / "db-password";
  ASSERT_TRUE(WritePrivateFile(p, "pw\n"));
  EXPECT_EQ(*ReadPrivateFile(p), "pw\n");
  ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
  auto readable = ReadPrivateFile(p);
  ASSERT_FALSE(readable);
  EXPECT_EQ(readable.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(readable.error().message.find("mode 0640"), std::string::npos)
      << readable.error().message;
  EXPECT_EQ(ReadPrivateFile(dir / "missing").error().code, ErrorCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(Files, CreatePrivateFileIs0600AndNeverReplacesOrFollows) {
  auto dir = std::filesystem::temp_directory_path() / ("sg_create_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / "root.key";
  mode_t umask_before = ::umask(0);  // a wide-open umask must not widen the file
  auto created = CreatePrivateFile(p, "first");
  ::umask(umask_before);
  ASSERT_TRUE(created) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = CreatePrivateFile(p, "second");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(p), "first");
  // A symlink, even to nowhere, is not followed.
  std::filesystem::create_symlink(dir / "elsewhere", dir / "link");
  EXPECT_EQ(CreatePrivateFile(dir / "link", "x").error().code, ErrorCode::kAlreadyExists);
  EXPECT_FALSE(std::filesystem::exists(dir / "elsewhere"));
  EXPECT_EQ(CreatePrivateFile(dir / "missing" / "k", "x").error().code, ErrorCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scepgate
