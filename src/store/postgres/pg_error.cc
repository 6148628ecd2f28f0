#include "store/postgres/pg_error.h"

namespace scepgate::store::pg {
namespace {

constexpr std::string_view kStateMarker = "[SQLSTATE ";
constexpr std::string_view kConstraintMarker = "[constraint ";

// libpq messages end with a newline and may span lines; keep the first line only.
std::string FirstLine(const char* text) {
  if (text == nullptr || *text == '\0') return "unknown libpq error";
  std::string line(text);
  line = line.substr(0, line.find('\n'));
  // Client-side messages repeat the severity the server would have sent.
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (line.starts_with(prefix)) line.erase(0, prefix.size());
  }
  return line;
}

Error Make(bool lost, std::string_view sqlstate, std::string message,
           std::string_view constraint = {}) {
  if (!constraint.empty())
    message += " " + std::string(kConstraintMarker) + std::string(constraint) + "]";
  if (!sqlstate.empty()) message += " " + std::string(kStateMarker) + std::string(sqlstate) + "]";
  if (lost) return Error::Unavailable(std::move(message));
  if (sqlstate == "23505") return Error::AlreadyExists(std::move(message));
  return Error::Database(std::move(message));
}

}  // namespace

bool IsConnectionLost(const Error& error) { return error.code == ErrorCode::kUnavailable; }

std::optional<std::string> SqlState(const Error& error) {
  size_t at = error.message.rfind(kStateMarker);
  if (at == std::string::npos) return std::nullopt;
  at += kStateMarker.size();
  if (at + 6 > error.message.size() || error.message[at + 5] != ']') return std::nullopt;
  return error.message.substr(at, 5);
}

std::optional<std::string> ConstraintName(const Error& error) {
  size_t at = error.message.rfind(kConstraintMarker);
  if (at == std::string::npos) return std::nullopt;
  at += kConstraintMarker.size();
  size_t end = error.message.find(']', at);
  if (end == std::string::npos || end == at) return std::nullopt;
  return error.message.substr(at, end - at);
}

bool IsConnectionLostState(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

Error ErrorFromResult(const PGconn& conn, const PGresult* result, std::string_view what) {
  if (result == nullptr) return ErrorFromConnection(conn, what);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string_view sqlstate = state != nullptr ? state : "";
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message =
      std::string(what) + ": " +
      (primary != nullptr ? FirstLine(primary) : FirstLine(PQresultErrorMessage(result)));
  const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
  bool lost = PQstatus(&conn) == CONNECTION_BAD || IsConnectionLostState(sqlstate);
  return Make(lost, sqlstate, std::move(message), constraint != nullptr ? constraint : "");
}

Error ErrorFromConnection(const PGconn& conn, std::string_view what) {
  bool lost = PQstatus(&conn) == CONNECTION_BAD;
  return Make(lost, "", std::string(what) + ": " + FirstLine(PQerrorMessage(&conn)));
}

}  // namespace scepgate::store::pg
