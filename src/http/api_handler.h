// The REST API under /api/v1: bearer-token authentication, the role each route needs, JSON
// bodies, errors as {"error": {"code", "message"}}, and an audit entry for every change. The
// routes call the same mgmt functions as the CLI and answer the same JSON (http/views.h).
//
// Who calls: a bearer token, or else a TLS client certificate that ApiDeps::client_roles names.
//
// Statuses: 200 (201 for a creation), 400 kInvalidArgument and malformed JSON, 401 no, unknown,
// revoked or expired token, or a client certificate with no role or revoked (with
// WWW-Authenticate: Bearer), 403 beyond the token's role
// ("forbidden") or kPermissionDenied (a rule of separation of duties, "permissionDenied"), 404
// kNotFound and unknown paths, 405 a known path with another method, 409 kAlreadyExists and
// kFailedPrecondition (a state conflict), 422 kPolicyDenied (understood, and refused by policy,
// e.g. a challenge for a device the profile does not target), 500 anything else (details only in
// the server log).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ca/revocation.h"
#include "common/clock.h"
#include "common/random.h"
#include "http/api_router.h"
#include "http/handler.h"
#include "http/request_metrics.h"
#include "mgmt/challenges.h"
#include "mgmt/tokens.h"
#include "store/store.h"

namespace scepgate::http {

// What the API works on. Borrowed: each must outlive the handler.
struct ApiDeps {
  store::Store& store;
  const Clock& clock;
  Random& random;
  ca::Revoker* revoker = nullptr;   // certificate revocation, and retire's; null: none
  bool revoke_on_unassign = false;  // profiles: revoke what a profile stops targeting
  mgmt::ChallengeSettings challenges;
  int64_t challenge_ttl_seconds = 3600;  // when a request names no TTL
  std::string default_trusted_ca;        // for a profile created without one
  size_t max_body = 1024 * 1024;         // largest body, read only once the token is known
  int max_json_depth = 32;               // deepest nesting of a JSON body
  int token_default_expiry_days = 0;     // a token created without "expires_in"; 0 = never
  // Client certificates (verified by the admin listener's TLS) that act with a role, by subject
  // as scepgate prints it ("CN=alice,O=Example"): a request without a bearer token that carries
  // one of them acts with its role. A certificate scepgate issued and has revoked is refused.
  std::vector<std::pair<mgmt::Role, std::string>> client_roles = {};
  RequestMetrics* metrics = nullptr;  // calls counted there; null: not counted
};

// Parses [admin] client_roles entries "ROLE:SUBJECT" (ROLE admin, operator or auditor).
// kInvalidArgument naming the first entry that is not of that form.
Result<std::vector<std::pair<mgmt::Role, std::string>>> ParseClientRoles(
    const std::vector<std::string>& entries);

// The HTTP status for an error code (see the file comment).
int HttpStatusFor(ErrorCode code);
// A JSON error answer: {"error": {"code": code, "message": message}}.
Response ApiError(int status, std::string_view code, std::string_view message);

// Thread-safe: routes are fixed at construction; every request builds its own mgmt objects over
// the thread-safe store.
class ApiHandler final : public Handler {
 public:
  explicit ApiHandler(ApiDeps deps);
  ApiHandler(const ApiHandler&) = delete;
  ApiHandler& operator=(const ApiHandler&) = delete;

  // Before the body is read: a route that needs a token answers 401 at once when the request
  // has none or an unknown, revoked or expired one; otherwise the body may be up to max_body.
  Admission Admit(const Request& head, size_t fallback) override;
  Response Handle(const Request& request) override;
  const Router& router() const { return router_; }
  // For a path outside the API that needs a caller of at least `role` (/metrics): the 401 or 403
  // to answer, or nullopt when the request's token or client certificate has the role.
  // Thread-safe.
  std::optional<Response> Refusal(const Request& request, mgmt::Role role);

 private:
  // Who asks: the actor named in the log and the audit entries, and the role.
  struct Caller {
    std::string actor;  // "token:<id> (<name>)" or "cert:<sha256 prefix> (<subject>)"
    std::string role;
  };
  // The caller the request's token (or else client certificate) names, or the 401 (or 500) to
  // answer.
  std::expected<Caller, Response> Authenticate(const Request& request);
  std::expected<Caller, Response> AuthenticateCertificate(const std::string& der);
  Response Serve(const Request& request, std::string& actor);
  // Runs the route and writes the audit entry of a change.
  Response Run(const Route& route, ApiCall& call, const Caller* caller);

  ApiDeps deps_;
  Router router_;
};

}  // namespace scepgate::http
