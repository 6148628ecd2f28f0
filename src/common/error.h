// Errors as values: Result<T> = std::expected<T, Error>.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace scepgate {

// Error codes. The kBad* codes map one-to-one onto SCEP failInfo values (RFC 8894 §3.2.1.4.5)
// when they reach a client; the rest are internal and answer badRequest or an HTTP status.
enum class ErrorCode {
  kBadAlg,           // failInfo 0: unsupported or disallowed algorithm
  kBadMessageCheck,  // failInfo 1: signature or integrity check failed
  kBadRequest,       // failInfo 2: transaction not permitted or supported
  kBadTime,          // failInfo 3: signingTime too far off
  kBadCertId,        // failInfo 4: no certificate matches the criteria
  kInvalidArgument,  // caller passed something unusable (CLI flag, config value)
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,  // the operation's precondition no longer holds (e.g. a one-time secret
                        // used)
  kPolicyDenied,        // a policy check refused the request; message names the check
  kPermissionDenied,    // the caller's role may not do this (separation of duties)
  kConflict,  // another writer claimed it first (a transaction, a lease); read its outcome instead
  kCrypto,    // an OpenSSL call failed unexpectedly
  kIo,        // file system or socket failure
  kDatabase,  // store failure
  // The database (or another service this one needs) cannot be reached now: nothing was done, or
  // a write's outcome is unknown; the caller may retry (HTTP 503).
  kUnavailable,
  kInternal,
};

// A failure: a code for programs and a message for people.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  static Error BadAlg(std::string m) { return {ErrorCode::kBadAlg, std::move(m)}; }
  static Error BadMessageCheck(std::string m) {
    return {ErrorCode::kBadMessageCheck, std::move(m)};
  }
  static Error BadRequest(std::string m) { return {ErrorCode::kBadRequest, std::move(m)}; }
  static Error BadTime(std::string m) { return {ErrorCode::kBadTime, std::move(m)}; }
  static Error BadCertId(std::string m) { return {ErrorCode::kBadCertId, std::move(m)}; }
  static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error InvalidArgument(std::string m) {
    return {ErrorCode::kInvalidArgument, std::move(m)};
  }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
  static Error FailedPrecondition(std::string m) {
    return {ErrorCode::kFailedPrecondition, std::move(m)};
  }
  static Error PolicyDenied(std::string m) { return {ErrorCode::kPolicyDenied, std::move(m)}; }
  static Error PermissionDenied(std::string m) {
    return {ErrorCode::kPermissionDenied, std::move(m)};
  }
  static Error Crypto(std::string m) { return {ErrorCode::kCrypto, std::move(m)}; }
  static Error Io(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Error Database(std::string m) { return {ErrorCode::kDatabase, std::move(m)}; }
  static Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  // Returns a copy whose message is prefixed with `context: `.
  Error With(std::string_view context) const {
    return {code, std::string(context) + ": " + message};
  }
};

// Returns a short stable name for the code ("badAlg", "notFound", ...).
std::string_view ErrorCodeName(ErrorCode code);

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace scepgate

// Propagates an error from a Result-returning expression; otherwise evaluates to nothing.
#define SG_TRY_STATUS(expr)                                                          \
  do {                                                                               \
    auto sg_try_result_ = (expr);                                                    \
    if (!sg_try_result_) return ::scepgate::Fail(std::move(sg_try_result_).error()); \
  } while (0)

#define SG_CONCAT_INNER_(a, b) a##b
#define SG_CONCAT_(a, b) SG_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result-returning expression, returning its error if there is one.
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration and cannot be parenthesised.
#define SG_ASSIGN_OR_RETURN(lhs, expr) \
  SG_ASSIGN_OR_RETURN_IMPL_(SG_CONCAT_(sg_r_, __LINE__), lhs, expr)
#define SG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)            \
  auto tmp = (expr);                                         \
  if (!tmp) return ::scepgate::Fail(std::move(tmp).error()); \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
