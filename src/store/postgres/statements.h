// How the PostgreSQL store sends its SQL: fixed statements prepared once per connection under a
// name, and statements assembled from fixed fragments whose values are always parameters.
// Not thread-safe: used with the connection the caller holds.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "store/postgres/connection.h"
#include "store/postgres/param.h"
#include "store/postgres/query_result.h"

namespace scepgate::store::pg {

// A fixed statement of the store: prepared on a connection the first time that connection runs
// it, then executed by name. Names are unique across the store ("sg_" + what it does). Defined
// once, as a constant at namespace scope of the area's .cc file.
struct Prepared {
  std::string name;
  std::string sql;
};

// Prepares `statement` on `conn` unless done already, and executes it. Errors as in pg_error.h.
Result<QueryResult> Run(Connection& conn, const Prepared& statement,
                        const std::vector<Param>& params);

// The parameters of a statement assembled at run time: Add() keeps a value and returns its
// placeholder ("$3") to put into the SQL, so that only fixed fragments are ever concatenated.
class ParamList {
 public:
  std::string Add(Param value) {
    values_.push_back(std::move(value));
    return "$" + std::to_string(values_.size());
  }
  const std::vector<Param>& values() const { return values_; }

 private:
  std::vector<Param> values_;
};

// A LIMIT parameter: PostgreSQL reads LIMIT NULL as no limit, which is what 0 (or less) means in
// the store's filters.
inline Param LimitParam(int limit) {
  return limit > 0 ? Param(static_cast<int64_t>(limit)) : Param::Null();
}

}  // namespace scepgate::store::pg
