#include "store/postgres/query_result.h"

#include <charconv>
#include <utility>

namespace scepgate::store::pg {
namespace {

constexpr Oid kByteaOid = 17;  // pg_type.oid of bytea; stable across server versions

std::string Where(const PGresult& result, int row, int column) {
  const char* name = PQfname(&result, column);
  return std::string("column ") + (name != nullptr ? name : "?") + " of row " + std::to_string(row);
}

template <class T>
Result<T> Required(Result<std::optional<T>> value, const PGresult& result, int row, int column) {
  if (!value) return Fail(std::move(value).error());
  if (!value->has_value()) return Fail(Error::Database(Where(result, row, column) + " is NULL"));
  return std::move(**value);
}

}  // namespace

int QueryResult::Rows() const { return PQntuples(result_.get()); }

int QueryResult::Columns() const { return PQnfields(result_.get()); }

int64_t QueryResult::AffectedRows() const {
  std::string_view tag = PQcmdTuples(result_.get());
  int64_t count = 0;
  std::from_chars(tag.data(), tag.data() + tag.size(), count);
  return count;
}

Result<int> QueryResult::ColumnIndex(std::string_view name) const {
  int index = PQfnumber(result_.get(), std::string(name).c_str());
  if (index < 0) return Fail(Error::InvalidArgument("no column named " + std::string(name)));
  return index;
}

bool QueryResult::IsNull(int row, int column) const {
  if (row < 0 || row >= Rows() || column < 0 || column >= Columns()) return true;
  return PQgetisnull(result_.get(), row, column) == 1;
}

Result<std::optional<std::string_view>> QueryResult::Cell(int row, int column) const {
  if (row < 0 || row >= Rows() || column < 0 || column >= Columns()) {
    return Fail(Error::InvalidArgument("cell (" + std::to_string(row) + ", " +
                                       std::to_string(column) + ") out of range"));
  }
  if (PQgetisnull(result_.get(), row, column) == 1) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

Result<std::optional<std::string>> QueryResult::TextOrNull(int row, int column) const {
  SG_ASSIGN_OR_RETURN(std::optional<std::string_view> cell, Cell(row, column));
  if (!cell) return std::nullopt;
  return std::string(*cell);
}

Result<std::optional<int64_t>> QueryResult::Int64OrNull(int row, int column) const {
  SG_ASSIGN_OR_RETURN(std::optional<std::string_view> cell, Cell(row, column));
  if (!cell) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (ec != std::errc() || end != cell->data() + cell->size()) {
    return Fail(Error::Database(Where(*result_, row, column) + " is not an integer"));
  }
  return value;
}

Result<std::optional<bool>> QueryResult::BoolOrNull(int row, int column) const {
  SG_ASSIGN_OR_RETURN(std::optional<std::string_view> cell, Cell(row, column));
  if (!cell) return std::nullopt;
  if (*cell == "t") return true;
  if (*cell == "f") return false;
  return Fail(Error::Database(Where(*result_, row, column) + " is not a boolean"));
}

Result<std::optional<Bytes>> QueryResult::ByteaOrNull(int row, int column) const {
  SG_ASSIGN_OR_RETURN(std::optional<std::string_view> cell, Cell(row, column));
  if (!cell) return std::nullopt;
  // PQunescapeBytea accepts any text, so without this check a text column would read as bytes.
  if (PQftype(result_.get(), column) != kByteaOid) {
    return Fail(Error::Database(Where(*result_, row, column) + " is not bytea"));
  }
  size_t size = 0;
  PqBufferPtr buffer(PQunescapeBytea(reinterpret_cast<const unsigned char*>(cell->data()), &size));
  if (!buffer) {
    return Fail(Error::Database(Where(*result_, row, column) + ": cannot decode bytea"));
  }
  return Bytes(buffer.get(), buffer.get() + size);
}

Result<std::string> QueryResult::Text(int row, int column) const {
  return Required(TextOrNull(row, column), *result_, row, column);
}

Result<int64_t> QueryResult::Int64(int row, int column) const {
  return Required(Int64OrNull(row, column), *result_, row, column);
}

Result<bool> QueryResult::Bool(int row, int column) const {
  return Required(BoolOrNull(row, column), *result_, row, column);
}

Result<Bytes> QueryResult::Bytea(int row, int column) const {
  return Required(ByteaOrNull(row, column), *result_, row, column);
}

}  // namespace scepgate::store::pg
