#include "common/csv.h"

#include <utility>

namespace scepgate {
namespace {

bool AtLineEnd(std::string_view text, size_t pos) {
  return pos >= text.size() || text[pos] == '\n' ||
         (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n');
}

}  // namespace

std::string CsvField(std::string_view value) {
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

void CsvReader::SkipLine() {
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  if (pos_ < text_.size()) {
    ++pos_;
    ++line_;
  }
}

Result<std::optional<CsvRecord>> CsvReader::Next() {
  // Empty lines hold no record.
  while (pos_ < text_.size() && AtLineEnd(text_, pos_)) {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }
  if (pos_ >= text_.size()) return std::nullopt;
  CsvRecord record;
  record.line = line_;
  auto bad = [&](const std::string& why) {
    std::string message = "line " + std::to_string(line_) + ": " + why;
    SkipLine();
    return Fail(Error::InvalidArgument(std::move(message)));
  };
  while (true) {
    std::string field;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      int opened = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          return Fail(Error::InvalidArgument("line " + std::to_string(opened) +
                                             ": a quoted field is not closed"));
        }
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field += c;
      }
      if (!AtLineEnd(text_, pos_) && text_[pos_] != ',') {
        return bad("text after the closing quote of field " +
                   std::to_string(record.fields.size() + 1) +
                   " (a quote inside a quoted field "
                   "is written \"\")");
      }
    } else {
      size_t start = pos_;
      while (!AtLineEnd(text_, pos_) && text_[pos_] != ',') {
        if (text_[pos_] == '"') {
          return bad("a quote inside unquoted field " + std::to_string(record.fields.size() + 1) +
                     " (quote the whole field and write the quote as \"\")");
        }
        ++pos_;
      }
      field.assign(text_.substr(start, pos_ - start));
    }
    record.fields.push_back(std::move(field));
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // At the end of the record: step over its line break.
    if (pos_ < text_.size()) {
      pos_ += text_[pos_] == '\r' ? 2 : 1;
      ++line_;
    }
    return record;
  }
}

}  // namespace scepgate
