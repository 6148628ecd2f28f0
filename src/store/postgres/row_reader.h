// Reads the rows of a QueryResult into records: one RowReader per row takes the columns left to
// right, keeping the first failure (later reads return empty values), so that a record is read
// field by field and checked once.
// Thread-compatible: a RowReader is used by one thread; the QueryResult must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"
#include "store/postgres/query_result.h"

namespace scepgate::store::pg {

class RowReader {
 public:
  // Reads row `row` from column `first_column` on.
  RowReader(const QueryResult& result, int row, int first_column = 0)
      : result_(result), row_(row), column_(first_column) {}

  std::string Text() { return Take(result_.Text(row_, column_++)); }
  int64_t Int() { return Take(result_.Int64(row_, column_++)); }
  bool Bool() { return Take(result_.Bool(row_, column_++)); }
  Bytes Bytea() { return Take(result_.Bytea(row_, column_++)); }
  // A list of strings stored as a JSON array in a text column; `what` names it in the error.
  std::vector<std::string> JsonList(std::string_view what);

  // Records a failure found by the caller's own check of a value (e.g. a status out of its domain),
  // unless an earlier one is kept already.
  void Reject(Error error) {
    if (!error_) error_ = std::move(error);
  }

  // The first failure, or success.
  Status status() const {
    if (error_) return Fail(*error_);
    return {};
  }

 private:
  template <class T>
  T Take(Result<T> value) {
    if (value) return std::move(*value);
    if (!error_) error_ = std::move(value).error();
    return T{};
  }

  const QueryResult& result_;
  const int row_;
  int column_;
  std::optional<Error> error_;
};

// Every row, read by `read(RowReader&)`. Returns the first row's failure.
template <class ReadFn>
auto ReadRows(const QueryResult& rows, ReadFn read)
    -> Result<std::vector<std::invoke_result_t<ReadFn&, RowReader&>>> {
  std::vector<std::invoke_result_t<ReadFn&, RowReader&>> out;
  out.reserve(static_cast<size_t>(rows.Rows()));
  for (int i = 0; i < rows.Rows(); ++i) {
    RowReader in(rows, i);
    auto record = read(in);
    SG_TRY_STATUS(in.status());
    out.push_back(std::move(record));
  }
  return out;
}

// The rows whose column `key` is not NULL, read by `read(RowReader&)`: what an outer join found
// (a row with NULLs there says only that the outer side exists).
template <class ReadFn>
auto ReadJoinedRows(const QueryResult& rows, int key, ReadFn read)
    -> Result<std::vector<std::invoke_result_t<ReadFn&, RowReader&>>> {
  std::vector<std::invoke_result_t<ReadFn&, RowReader&>> out;
  for (int i = 0; i < rows.Rows(); ++i) {
    if (rows.IsNull(i, key)) continue;
    RowReader in(rows, i);
    auto record = read(in);
    SG_TRY_STATUS(in.status());
    out.push_back(std::move(record));
  }
  return out;
}

// The first row, read by `read(RowReader&)`, or nullopt when there is none.
template <class ReadFn>
auto ReadFirst(const QueryResult& rows, ReadFn read)
    -> Result<std::optional<std::invoke_result_t<ReadFn&, RowReader&>>> {
  if (rows.Rows() == 0) return std::nullopt;
  RowReader in(rows, 0);
  auto record = read(in);
  SG_TRY_STATUS(in.status());
  return record;
}

}  // namespace scepgate::store::pg
