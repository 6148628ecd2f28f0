#include "archive/bundle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "archive/test_util.h"

namespace scepgate::archive {
namespace {

namespace fs = std::filesystem;

const nlohmann::json kAbout = {{"format", "test"}, {"version", 1}};

std::vector<BundleSource> Sources(const fs::path& db) {
  return {
      {"scepgate.toml", TarType::kFile, 0600, "[server]\n", {}},
      {"ca", TarType::kDirectory, 0700, "", {}},
      {"ca/issuing.crt", TarType::kFile, 0644, "CERTIFICATE-DATA", {}},
      {"ca/issuing.key", TarType::kFile, 0600, "PRIVATE-KEY-DATA", {}},
      {"scepgate.db", TarType::kFile, 0600, "", db},
  };
}

fs::path WriteSample(const TempDir& dir) {
  Spit(dir.path() / "db.copy", std::string(70'000, 'D') + "DATABASE-TAIL");
  auto out = dir.path() / "backup.tar";
  auto written = WriteBundle(out, kAbout, Sources(dir.path() / "db.copy"), 1700000000);
  EXPECT_TRUE(written) << written.error().message;
  return out;
}

// Replaces the first occurrence of `from` in the file with `to` (same length).
void Patch(const fs::path& file, const std::string& from, const std::string& to) {
  std::string data = Slurp(file);
  auto at = data.find(from);
  ASSERT_NE(at, std::string::npos);
  data.replace(at, from.size(), to);
  Spit(file, data);
}

TEST(Bundle, WritesAManifestFirstAndExtractsWithModes) {
  TempDir dir;
  auto out = WriteSample(dir);
  EXPECT_EQ(ModeOf(out), 0600u);
  auto verified = VerifyBundle(out);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->about, kAbout);
  ASSERT_EQ(verified->entries.size(), 5u);
  EXPECT_EQ(verified->entries[3].path, "ca/issuing.key");
  EXPECT_EQ(verified->entries[3].mode, 0600u);
  EXPECT_EQ(verified->entries[3].sha256.size(), 64u);

  auto target = dir.path() / "parent" / "restored";
  auto extracted = ExtractBundle(out, target);
  ASSERT_TRUE(extracted) << extracted.error().message;
  EXPECT_EQ(ModeOf(target), 0700u);
  EXPECT_EQ(ModeOf(target / "ca"), 0700u);
  EXPECT_EQ(ModeOf(target / "ca/issuing.key"), 0600u);
  EXPECT_EQ(ModeOf(target / "ca/issuing.crt"), 0644u);
  EXPECT_EQ(ModeOf(target / "scepgate.toml"), 0600u);
  EXPECT_EQ(Slurp(target / "ca/issuing.key"), "PRIVATE-KEY-DATA");
  EXPECT_EQ(Slurp(target / "scepgate.db"), Slurp(dir.path() / "db.copy"));
}

TEST(Bundle, ExtractsIntoAnExistingEmptyDirectoryButNotANonEmptyOne) {
  TempDir dir;
  auto out = WriteSample(dir);
  fs::create_directory(dir.path() / "empty");
  EXPECT_TRUE(ExtractBundle(out, dir.path() / "empty"));
  auto again = ExtractBundle(out, dir.path() / "empty");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Slurp(dir.path() / "empty/ca/issuing.key"), "PRIVATE-KEY-DATA");
}

TEST(Bundle, RefusesADigestMismatchAndWritesNothing) {
  TempDir dir;
  auto out = WriteSample(dir);
  Patch(out, "DATABASE-TAIL", "DATABASE-TAIX");  // the last entry, after the others
  auto verified = VerifyBundle(out);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(verified.error().message.find("scepgate.db: SHA-256 differs"), std::string::npos)
      << verified.error().message;
  auto target = dir.path() / "restored";
  EXPECT_FALSE(ExtractBundle(out, target));
  EXPECT_FALSE(fs::exists(target));
}

TEST(Bundle, RefusesAManifestThatDoesNotMatchTheEntries) {
  TempDir dir;
  auto out = WriteSample(dir);
  Patch(out, "\"0600\"", "\"0644\"");  // the manifest says scepgate.toml is 0644 (tar: 0600)
  auto verified = VerifyBundle(out);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message.find("differs from the manifest"), std::string::npos)
      << verified.error().message;
  EXPECT_FALSE(ExtractBundle(out, dir.path() / "restored"));
  EXPECT_FALSE(fs::exists(dir.path() / "restored"));
}

TEST(Bundle, RefusesAnEntryOutsideTheDirectoryAndWritesNothing) {
  TempDir dir;
  auto out = WriteSample(dir);
  std::string data = Slurp(out);
  // The header of ca/issuing.key (its name at the start of a block) renamed to climb out.
  size_t at = data.find(std::string("ca/issuing.key\0", 15));
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(at % 512, 0u);
  data.replace(at, 14, "../../etc/keyX");
  FixChecksum(data, at);
  Spit(out, data);
  auto target = dir.path() / "restored";
  auto extracted = ExtractBundle(out, target);
  ASSERT_FALSE(extracted);
  EXPECT_NE(extracted.error().message.find("unsafe path"), std::string::npos)
      << extracted.error().message;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(dir.path() / "etc"));
}

TEST(Bundle, RefusesATruncatedBundleAndWritesNothing) {
  TempDir dir;
  auto out = WriteSample(dir);
  std::string data = Slurp(out);
  Spit(out, data.substr(0, data.size() - 3000));
  auto extracted = ExtractBundle(out, dir.path() / "restored");
  ASSERT_FALSE(extracted);
  EXPECT_NE(extracted.error().message.find("truncated"), std::string::npos)
      << extracted.error().message;
  EXPECT_FALSE(fs::exists(dir.path() / "restored"));
}

TEST(Bundle, RefusesATarWithoutManifest) {
  TempDir dir;
  Spit(dir.path() / "db.copy", "x");
  auto out = dir.path() / "b.tar";
  std::vector<BundleSource> sources = {{"manifest.json", TarType::kFile, 0644, "{}", {}}};
  auto dup = WriteBundle(out, kAbout, sources, 0);
  ASSERT_FALSE(dup);  // the name is the bundle's own
  EXPECT_FALSE(fs::exists(out));
  Spit(out, std::string(1024, '\0'));  // an empty tar archive
  auto verified = VerifyBundle(out);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message.find("not a scepgate backup"), std::string::npos);
}

TEST(Bundle, ExtractsNothingWhenTheCallerRefusesTheManifest) {
  TempDir dir;
  auto out = WriteSample(dir);
  auto refused = ExtractBundle(out, dir.path() / "restored", [](const Bundle& b) -> Status {
    if (b.about.value("format", "") != "scepgate-backup")
      return Fail(Error::InvalidArgument("not a scepgate backup"));
    return {};
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "not a scepgate backup");
  EXPECT_FALSE(fs::exists(dir.path() / "restored"));
}

TEST(Bundle, RefusesToOverwriteTheOutput) {
  TempDir dir;
  auto out = WriteSample(dir);
  auto again = WriteBundle(out, kAbout, {}, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace scepgate::archive
