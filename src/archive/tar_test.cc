#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "archive/tar_format.h"
#include "archive/tar_reader.h"
#include "archive/tar_writer.h"
#include "archive/test_util.h"

namespace scepgate::archive {
namespace {

struct ReadEntry {
  TarHeader header;
  std::string data;
};

Result<std::vector<ReadEntry>> ReadAll(const std::filesystem::path& file) {
  SG_ASSIGN_OR_RETURN(TarReader r, TarReader::Open(file));
  std::vector<ReadEntry> out;
  for (;;) {
    SG_ASSIGN_OR_RETURN(auto h, r.Next());
    if (!h) return out;
    ReadEntry e{*h, ""};
    SG_TRY_STATUS(r.ReadData([&](std::string_view piece) -> Status {
      e.data.append(piece);
      return {};
    }));
    out.push_back(std::move(e));
  }
}

std::filesystem::path WriteSample(const TempDir& dir) {
  auto out = dir.path() / "a.tar";
  auto w = TarWriter::Create(out);
  EXPECT_TRUE(w);
  EXPECT_TRUE(w->AddDirectory("ca", 0700, 1000));
  EXPECT_TRUE(w->AddData("ca/root.crt", "certificate\n", 0644, 1000));
  EXPECT_TRUE(w->Finish());
  return out;
}

TEST(Tar, RoundTripsFilesDirectoriesAndStreamedData) {
  TempDir dir;
  std::string big(200'000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);
  Spit(dir.path() / "big.bin", big);
  std::string long_path = std::string(120, 'd') + "/" + std::string(90, 'f');
  auto out = dir.path() / "a.tar";
  auto w = TarWriter::Create(out);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE(w->AddDirectory("ca", 0700, 1700000000));
  ASSERT_TRUE(w->AddData("ca/issuing.key", "secret\n", 0600, 1700000001));
  ASSERT_TRUE(w->AddData("empty", "", 0644, 0));
  auto sha = w->AddFile("scepgate.db", dir.path() / "big.bin", 0600, 5);
  ASSERT_TRUE(sha) << sha.error().message;
  EXPECT_EQ(sha->size(), 64u);
  ASSERT_TRUE(w->AddData(long_path, "x", 0644, 0));
  ASSERT_TRUE(w->Finish());
  EXPECT_EQ(ModeOf(out), 0600u);
  EXPECT_EQ(std::filesystem::file_size(out) % kTarBlock, 0u);

  auto entries = ReadAll(out);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[0].header.path, "ca");
  EXPECT_EQ((*entries)[0].header.type, TarType::kDirectory);
  EXPECT_EQ((*entries)[0].header.mode, 0700u);
  EXPECT_EQ((*entries)[0].header.mtime, 1700000000);
  EXPECT_EQ((*entries)[1].header.path, "ca/issuing.key");
  EXPECT_EQ((*entries)[1].header.mode, 0600u);
  EXPECT_EQ((*entries)[1].data, "secret\n");
  EXPECT_EQ((*entries)[2].data, "");
  EXPECT_EQ((*entries)[3].data, big);
  EXPECT_EQ((*entries)[4].header.path, long_path);
}

TEST(Tar, SkipsDataThatIsNotRead) {
  TempDir dir;
  auto out = WriteSample(dir);
  auto r = TarReader::Open(out);
  ASSERT_TRUE(r);
  ASSERT_TRUE(*r->Next());
  auto second = r->Next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->path, "ca/root.crt");
  auto end = r->Next();  // skips the unread data
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_FALSE(*end);
}

TEST(Tar, RefusesPathsTooLongForUstar) {
  TempDir dir;
  auto w = TarWriter::Create(dir.path() / "a.tar");
  ASSERT_TRUE(w);
  auto no_split = w->AddData(std::string(101, 'n'), "x", 0644, 0);
  ASSERT_FALSE(no_split);
  EXPECT_EQ(no_split.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_split.error().message.find("too long"), std::string::npos);
  auto too_long = w->AddData(std::string(200, 'p') + "/" + std::string(60, 'n'), "x", 0644, 0);
  ASSERT_FALSE(too_long);
  w->Abandon();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "a.tar"));
}

TEST(Tar, WriterRefusesUnsafePathsModesAndAnExistingFile) {
  TempDir dir;
  auto out = WriteSample(dir);
  auto again = TarWriter::Create(out);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  for (const char* bad : {"/etc/passwd", "../x", "a/../b", "a//b", "./a", ""})
    EXPECT_FALSE(EncodeTarHeader({bad, TarType::kFile, 0644, 0, 0})) << bad;
  EXPECT_FALSE(EncodeTarHeader({"a", TarType::kFile, 04755, 0, 0}));
  EXPECT_TRUE(EncodeTarHeader({"a/b.c", TarType::kFile, 0600, 0, 0}));
}

TEST(Tar, RefusesABadChecksum) {
  TempDir dir;
  auto out = WriteSample(dir);
  std::string data = Slurp(out);
  data[kTarBlock + 10] ^= 1;  // the second header's name
  Spit(out, data);
  auto entries = ReadAll(out);
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(entries.error().message.find("checksum"), std::string::npos) << entries.error().message;
}

TEST(Tar, RefusesATruncatedArchive) {
  TempDir dir;
  auto out = WriteSample(dir);
  std::string data = Slurp(out);
  for (size_t keep : {size_t{100}, kTarBlock + 100, 2 * kTarBlock + 5, data.size() - kTarBlock}) {
    Spit(out, data.substr(0, keep));
    auto entries = ReadAll(out);
    ASSERT_FALSE(entries) << keep;
    EXPECT_EQ(entries.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(entries.error().message.find("truncated"), std::string::npos)
        << entries.error().message;
  }
}

TEST(Tar, RefusesDotDotAbsoluteAndLinkEntries) {
  TempDir dir;
  auto out = WriteSample(dir);
  const std::string good = Slurp(out);
  struct Case {
    const char* name;
    char type;
    const char* why;
  };
  for (const Case& c :
       {Case{"../../etc/cron.d/x", '0', "unsafe path"}, Case{"/etc/passwd", '0', "unsafe path"},
        Case{"ca/../../x", '5', "unsafe path"}, Case{"ca/link", '2', "unsupported entry type"},
        Case{"ca/hard", '1', "unsupported entry type"}}) {
    std::string data = good;
    std::memset(data.data() + kTarBlock, 0, 100);
    std::memcpy(data.data() + kTarBlock, c.name, std::strlen(c.name));
    data[kTarBlock + 156] = c.type;
    FixChecksum(data, kTarBlock);
    Spit(out, data);
    auto entries = ReadAll(out);
    ASSERT_FALSE(entries) << c.name;
    EXPECT_NE(entries.error().message.find(c.why), std::string::npos) << entries.error().message;
  }
}

TEST(Tar, RefusesSomethingThatIsNotTar) {
  TempDir dir;
  Spit(dir.path() / "x", std::string(2048, 'x'));
  auto entries = ReadAll(dir.path() / "x");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ReadAll(dir.path() / "missing").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace scepgate::archive
