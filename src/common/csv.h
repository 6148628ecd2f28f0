// A reader of CSV text as RFC 4180 has it: fields separated by commas, records by CRLF or LF;
// a field in double quotes may hold commas, line breaks and "" (one quote). A UTF-8 byte order
// mark at the start is skipped, and so are empty lines. Bytes are passed through as they are
// (checking the text is the caller's). Thread-compatible: one reader per thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate {

struct CsvRecord {
  int line = 0;  // the line the record starts on, from 1
  std::vector<std::string> fields;
};

// `value` as one CSV field: as it is, or in double quotes (quotes doubled) when it holds a comma,
// a quote or a line break, or starts or ends with a blank.
std::string CsvField(std::string_view value);

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);

  // The next record, nullopt after the last. kInvalidArgument "line N: ..." for a quote inside
  // an unquoted field or text after a closing quote; the reader then goes on at the next line.
  // kInvalidArgument for a quoted field that is never closed; nothing follows it.
  Result<std::optional<CsvRecord>> Next();

 private:
  // Skips the rest of the current line (after an error).
  void SkipLine();

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace scepgate
