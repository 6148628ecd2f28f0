#include "store/postgres/connection.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "store/postgres/pg_error.h"

namespace scepgate::store::pg {
namespace {

constexpr Oid kByteaOid = 17;

// libpq prints NOTICEs (e.g. "table does not exist, skipping") to stderr by default.
void LogNotice(void* /*arg*/, const char* message) {
  std::string_view text(message);
  if (text.ends_with('\n')) text.remove_suffix(1);
  spdlog::debug("postgres: {}", text);
}

// The first line of `sql`, to name a statement in an error message.
std::string Summary(const std::string& sql) {
  std::string line = sql.substr(0, sql.find('\n'));
  if (line.size() > 120) line = line.substr(0, 120) + "...";
  return line;
}

// Parallel arrays for PQexecParams / PQexecPrepared, pointing into `params`.
struct ParamArrays {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

Result<ParamArrays> ToArrays(const std::vector<Param>& params) {
  ParamArrays arrays;
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (!p.is_binary() && p.data().find('\0') != std::string_view::npos) {
      return Fail(Error::InvalidArgument("text parameter $" + std::to_string(i + 1) +
                                         " contains a zero byte"));
    }
    arrays.types.push_back(p.is_binary() ? kByteaOid : 0);
    arrays.values.push_back(p.is_null() ? nullptr : p.data().data());
    arrays.lengths.push_back(static_cast<int>(p.data().size()));
    arrays.formats.push_back(p.is_binary() ? 1 : 0);
  }
  return arrays;
}

}  // namespace

Status CheckDsn(const std::string& dsn) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &parse_error);
  if (options == nullptr) {
    std::string reason = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    if (!reason.empty() && reason.back() == '\n') reason.pop_back();
    return Fail(Error::InvalidArgument("postgres DSN: " + reason));
  }
  PQconninfoFree(options);
  return {};
}

Result<bool> DsnHasPassword(const std::string& dsn) {
  SG_TRY_STATUS(CheckDsn(dsn));
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), nullptr);
  if (options == nullptr) return Fail(Error::InvalidArgument("postgres DSN does not parse"));
  bool has = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && o->val[0] != '\0')
      has = true;
  PQconninfoFree(options);
  return has;
}

Result<Connection> Connection::Connect(const std::string& dsn, const std::string& password) {
  SG_TRY_STATUS(CheckDsn(dsn));
  // Keywords are applied in order, so the DSN (expanded from dbname) overrides the defaults, and
  // a password given apart overrides the DSN's.
  const char* keys[] = {"connect_timeout",
                        "client_encoding",
                        "fallback_application_name",
                        "dbname",
                        password.empty() ? nullptr : "password",
                        nullptr};
  const char* values[] = {"10", "UTF8", "scepgate", dsn.c_str(), password.c_str(), nullptr};
  PqConnPtr conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!conn) return Fail(Error::Unavailable("postgres connect: out of memory"));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    auto text = [](const char* s) { return std::string(s != nullptr ? s : "?"); };
    std::string where = text(PQuser(conn.get())) + "@" + text(PQhost(conn.get())) + ":" +
                        text(PQport(conn.get())) + "/" + text(PQdb(conn.get()));
    return Fail(Error::Unavailable(ErrorFromConnection(*conn, "connect to " + where).message));
  }
  PQsetNoticeProcessor(conn.get(), &LogNotice, nullptr);
  return Connection(std::move(conn));
}

Result<QueryResult> Connection::Check(PGresult* raw_result, std::string_view what) {
  PqResultPtr result(raw_result);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return QueryResult(std::move(result));
  }
  Error error = ErrorFromResult(*conn_, result.get(), what);
  if (result && status != PGRES_FATAL_ERROR && status != PGRES_NONFATAL_ERROR &&
      status != PGRES_BAD_RESPONSE) {
    // COPY, pipeline and other modes that this wrapper does not drive.
    error =
        Error::Database(std::string(what) + ": unexpected result status " + PQresStatus(status));
  }
  if (IsConnectionLost(error)) broken_ = true;
  return Fail(std::move(error));
}

Result<QueryResult> Connection::Exec(const std::string& sql) {
  return Check(PQexec(conn_.get(), sql.c_str()), Summary(sql));
}

Result<QueryResult> Connection::ExecParams(const std::string& sql,
                                           const std::vector<Param>& params) {
  SG_ASSIGN_OR_RETURN(ParamArrays a, ToArrays(params));
  PGresult* result =
      PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), a.types.data(),
                   a.values.data(), a.lengths.data(), a.formats.data(), /*resultFormat=*/0);
  return Check(result, Summary(sql));
}

Status Connection::Prepare(const std::string& name, const std::string& sql) {
  auto it = prepared_.find(name);
  if (it != prepared_.end()) {
    if (it->second == sql) return {};
    return Fail(Error::InvalidArgument("statement " + name + " already prepared with other SQL"));
  }
  SG_TRY_STATUS(
      Check(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr), "prepare " + name));
  prepared_.emplace(name, sql);
  return {};
}

Result<QueryResult> Connection::ExecPrepared(const std::string& name,
                                             const std::vector<Param>& params) {
  SG_ASSIGN_OR_RETURN(ParamArrays a, ToArrays(params));
  PGresult* result = PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()),
                                    a.values.data(), a.lengths.data(), a.formats.data(),
                                    /*resultFormat=*/0);
  return Check(result, "execute " + name);
}

bool Connection::IsBroken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }

PGTransactionStatusType Connection::TransactionStatus() const {
  return PQtransactionStatus(conn_.get());
}

int Connection::BackendPid() const { return PQbackendPID(conn_.get()); }

}  // namespace scepgate::store::pg
