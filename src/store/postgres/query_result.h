// The rows of one statement, read by 0-based row and column with typed accessors.
// Values arrive in PostgreSQL's text format; the accessors parse them.
// Thread-compatible: const use from several threads is safe; it holds no connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/ossl.h"
#include "store/postgres/pq_ptr.h"

namespace scepgate::store::pg {

class QueryResult {
 public:
  // Takes a successful result (PGRES_TUPLES_OK or PGRES_COMMAND_OK); never null.
  explicit QueryResult(PqResultPtr result) : result_(std::move(result)) {}

  int Rows() const;
  int Columns() const;
  // Rows inserted, updated, deleted, ... as the command tag says; 0 when it says nothing.
  int64_t AffectedRows() const;
  // Returns kInvalidArgument when no column has that name.
  Result<int> ColumnIndex(std::string_view name) const;
  // True for SQL NULL, and for a row or column out of range.
  bool IsNull(int row, int column) const;

  // Each returns kInvalidArgument for a row or column out of range, kDatabase when the value is
  // NULL or does not parse as the type (Int64: an integer; Bool: a boolean; Bytea: a bytea column).
  Result<std::string> Text(int row, int column) const;
  Result<int64_t> Int64(int row, int column) const;
  Result<bool> Bool(int row, int column) const;
  Result<Bytes> Bytea(int row, int column) const;

  // The same, with NULL as nullopt instead of an error.
  Result<std::optional<std::string>> TextOrNull(int row, int column) const;
  Result<std::optional<int64_t>> Int64OrNull(int row, int column) const;
  Result<std::optional<bool>> BoolOrNull(int row, int column) const;
  Result<std::optional<Bytes>> ByteaOrNull(int row, int column) const;

  // The libpq handle, for what the accessors do not cover. Never null.
  const PGresult& raw() const { return *result_; }

 private:
  // Returns the cell's text, nullopt for NULL, kInvalidArgument out of range.
  Result<std::optional<std::string_view>> Cell(int row, int column) const;

  PqResultPtr result_;
};

}  // namespace scepgate::store::pg
