#include "common/csv.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> ReadAll(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  while (true) {
    auto next = reader.Next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) return out;
    out.push_back(std::move(**next));
  }
}

TEST(CsvReaderTest, PlainFieldsWithLfOrCrlf) {
  auto records = ReadAll("a,b,c\n1,,3\r\nx,y,z");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, Fields({"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, Fields({"1", "", "3"}));
  EXPECT_EQ(records[2].fields, Fields({"x", "y", "z"}));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto records = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,\"\"\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, Fields({"a,b", "say \"hi\"", "two\r\nlines"}));
  EXPECT_EQ(records[1].fields, Fields({"next", ""}));
  EXPECT_EQ(records[1].line, 3);  // the record before it spans two lines
}

TEST(CsvReaderTest, BomAndEmptyLinesAreSkippedTrailingCommaIsAnEmptyField) {
  auto records = ReadAll("\xEF\xBB\xBFname,x\n\n\r\nn1,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, Fields({"name", "x"}));
  EXPECT_EQ(records[1].fields, Fields({"n1", ""}));
  EXPECT_EQ(records[1].line, 4);
  EXPECT_TRUE(ReadAll("").empty());
}

TEST(CsvReaderTest, StrayQuoteIsAnErrorWithItsLineAndReadingGoesOn) {
  CsvReader reader("ok,1\nbad\"field,2\n\"x\"y,3\nfine,4\n");
  EXPECT_EQ((*reader.Next())->fields, Fields({"ok", "1"}));
  auto stray = reader.Next();
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(stray.error().message.find("line 2"), std::string::npos) << stray.error().message;
  auto after = reader.Next();
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("line 3"), std::string::npos) << after.error().message;
  auto fine = reader.Next();
  ASSERT_TRUE(fine && *fine);
  EXPECT_EQ((*fine)->fields, Fields({"fine", "4"}));
  EXPECT_EQ((*fine)->line, 4);
  EXPECT_FALSE(*reader.Next());
}

TEST(CsvReaderTest, UnclosedQuoteNamesTheLineItOpenedOn) {
  CsvReader reader("a\n\"open\nstill\n");
  ASSERT_TRUE(reader.Next());
  auto open = reader.Next();
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("line 2"), std::string::npos) << open.error().message;
  EXPECT_FALSE(*reader.Next());
}

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  auto back = ReadAll(CsvField("x,\"y\"\n") + "," + CsvField("z") + "\n");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].fields, Fields({"x,\"y\"\n", "z"}));
}

}  // namespace
}  // namespace scepgate
