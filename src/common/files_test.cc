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

}  // namespace
}  // namespace scepgate
