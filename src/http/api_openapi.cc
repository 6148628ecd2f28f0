// The OpenAPI 3 document of the REST API, served at GET /api/v1/openapi.json without a token.
// Written by hand: when a route is added to the router it must be added here too (api_test
// fails otherwise). Schemas name every field with its type; they describe what views.h builds.
#include <string>
#include <vector>

#include "http/api_routes.h"

namespace scepgate::http {
namespace {

using nlohmann::json;

// A field type: "string", "integer", "number", "boolean", "string[]", "object", "Ref" (a schema
// name, capitalised), "Ref[]", or any of these with a trailing "?" when it may be null.
json Type(std::string t) {
  bool nullable = t.ends_with('?');
  if (nullable) t.pop_back();
  json out;
  if (t.ends_with("[]")) {
    out = {{"type", "array"}, {"items", Type(t.substr(0, t.size() - 2))}};
  } else if (std::isupper(static_cast<unsigned char>(t.front()))) {
    out = {{"$ref", "#/components/schemas/" + t}};
  } else {
    out = {{"type", t}};
  }
  if (nullable) out["nullable"] = true;
  return out;
}

json Object(const std::vector<std::pair<std::string, std::string>>& fields,
            const std::vector<std::string>& required = {}) {
  json props = json::object();
  for (const auto& [name, type] : fields) props[name] = Type(type);
  json out = {{"type", "object"}, {"properties", props}};
  if (!required.empty()) out["required"] = required;
  return out;
}

const std::vector<std::pair<std::string, std::string>> kDevice = {
    {"id", "string"},         {"name", "string"},
    {"platform", "string"},   {"serial_number", "string"},
    {"owner", "string"},      {"retired", "boolean"},
    {"retired_at", "string"}, {"created_at", "string"}};
const std::vector<std::pair<std::string, std::string>> kUser = {
    {"upn", "string"},        {"email", "string"},
    {"sid", "string"},        {"on_prem_dn", "string"},
    {"disabled", "boolean"},  {"disabled_at", "string"},
    {"created_at", "string"}, {"identity_by_admin", "boolean"}};
const std::vector<std::pair<std::string, std::string>> kGroup = {
    {"name", "string"}, {"description", "string"}, {"created_at", "string"}};
const std::vector<std::pair<std::string, std::string>> kProfileInput = {
    {"type", "string"},
    {"subject", "string"},
    {"sans", "string[]"},
    {"strong_mapping", "boolean"},
    {"purpose", "string"},
    {"ekus", "string[]"},
    {"key_type", "string"},
    {"min_key_size", "integer"},
    {"hash", "string"},
    {"validity_days", "integer"},
    {"renewal_threshold", "integer"},
    {"urls", "string[]"},
    {"trusted_ca", "string"},
    {"require_approval", "boolean"},
    {"ca_fingerprint", "string"},
    {"key_extractable", "boolean"}};

std::vector<std::pair<std::string, std::string>> Plus(
    std::vector<std::pair<std::string, std::string>> base,
    const std::vector<std::pair<std::string, std::string>>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

json Schemas() {
  auto profile = Plus({{"name", "string"}}, kProfileInput);
  profile = Plus(profile, {{"created_at", "string"}, {"updated_at", "string"}});
  return {
      {"Error", Object({{"error", "object"}})},
      {"Device", Object(kDevice)},
      {"DeviceDetails", Object(Plus(kDevice, {{"groups", "string[]"}}))},
      {"DeviceInput", Object({{"name", "string"},
                              {"platform", "string"},
                              {"serial_number", "string"},
                              {"owner", "string"}},
                             {"name", "platform"})},
      {"Retired", Object({{"id", "string"}, {"revoked", "string[]"}})},
      {"RetireManyInput", Object({{"ids", "string[]"}}, {"ids"})},
      {"ImportCounts",
       Object({{"added", "integer"}, {"existing", "integer"}, {"refused", "integer"}})},
      {"ImportReport", Object({{"rows", "integer"},
                               {"dry_run", "boolean"},
                               {"devices", "ImportCounts"},
                               {"users", "ImportCounts"},
                               {"groups", "ImportCounts"},
                               {"memberships", "ImportCounts"},
                               {"refused", "object[]"},
                               {"ids", "object[]"}})},
      {"RetireReport", Object({{"retired", "string[]"},
                               {"already_retired", "string[]"},
                               {"not_found", "string[]"},
                               {"revoked", "string[]"}})},
      {"User", Object(kUser)},
      {"UserDetails", Object(Plus(kUser, {{"groups", "string[]"}, {"devices", "string[]"}}))},
      {"UserInput",
       Object({{"upn", "string"}, {"email", "string"}, {"sid", "string"}, {"on_prem_dn", "string"}},
              {"upn"})},
      {"UserIdentityInput",
       Object({{"email", "string"}, {"sid", "string"}, {"on_prem_dn", "string"}})},
      {"Group", Object(kGroup)},
      {"GroupSummary", Object(Plus(kGroup, {{"devices", "integer"}, {"users", "integer"}}))},
      {"Member", Object({{"kind", "string"}, {"id", "string"}})},
      {"Membership", Object({{"group", "Group"}, {"member", "Member"}})},
      {"GroupInput", Object({{"name", "string"}, {"description", "string"}}, {"name"})},
      {"MemberInput", Object({{"device", "string"}, {"user", "string"}})},
      {"Profile", Object(profile)},
      {"ProfileDetails", Object(Plus(profile, {{"groups", "string[]"}}))},
      {"ProfileInput", Object(Plus({{"name", "string"}}, kProfileInput), {"name", "type"})},
      {"ProfileUpdate", Object(kProfileInput)},
      {"ProfileDeleted", Object({{"name", "string"}, {"revoked", "string[]"}})},
      {"AssignmentInput", Object({{"group", "string"}}, {"group"})},
      {"Assignment", Object({{"profile", "string"}, {"group", "string"}, {"revoked", "string[]"}})},
      {"ChallengeInput", Object({{"device", "string"}, {"profile", "string"}, {"ttl", "string"}},
                                {"device", "profile"})},
      {"Challenge", Object({{"challenge", "string"},
                            {"format", "string"},
                            {"device", "string"},
                            {"user", "string"},
                            {"profile", "string"},
                            {"subject", "string"},
                            {"sans", "string[]"},
                            {"key_type", "string"},
                            {"min_key_size", "integer"},
                            {"ekus", "string[]"},
                            {"validity_days", "integer"},
                            {"expires_at", "string"}})},
      {"ReportRow", Object({{"device_id", "string"},
                            {"name", "string"},
                            {"platform", "string"},
                            {"owner", "string"},
                            {"status", "string"},
                            {"last_request", "string?"},
                            {"last_request_id", "integer?"},
                            {"last_state", "string?"},
                            {"reason", "string?"},
                            {"serial", "string?"},
                            {"expires", "string?"}})},
      {"Certificate", Object({{"serial", "string"},
                              {"subject", "string"},
                              {"sans", "string[]"},
                              {"not_before", "string"},
                              {"not_after", "string"},
                              {"sha1", "string"},
                              {"sha256", "string"},
                              {"status", "string"},
                              {"issuer_id", "string"},
                              {"template", "string"},
                              {"transaction_id", "string"},
                              {"issued_at", "string"},
                              {"device_id", "string"},
                              {"user_upn", "string"},
                              {"profile", "string"},
                              {"challenge_id", "string"},
                              {"request_id", "integer"},
                              {"revoked_at", "string"},
                              {"revocation_reason", "string"}})},
      {"RevokeInput", Object({{"reason", "string"}})},
      {"RevokeManyInput", Object({{"serials", "string[]"}, {"reason", "string"}}, {"serials"})},
      {"RevokeReport",
       Object(
           {{"revoked", "string[]"}, {"already_revoked", "string[]"}, {"not_found", "string[]"}})},
      {"RejectInput", Object({{"reason", "string"}}, {"reason"})},
      {"Decision", Object({{"id", "integer"}, {"decision", "string"}, {"reason", "string"}})},
      {"Request", Object({{"id", "integer"},
                          {"time", "string"},
                          {"transaction_id", "string"},
                          {"message_type", "string"},
                          {"state", "string"},
                          {"fail_info", "string"},
                          {"reason", "string"},
                          {"renewal", "boolean"},
                          {"signer", "string"},
                          {"serial", "string"},
                          {"remote_addr", "string"},
                          {"correlation_id", "string"},
                          {"duration_ms", "number"},
                          {"device_id", "string"},
                          {"user_upn", "string"},
                          {"profile", "string"},
                          {"challenge_id", "string"},
                          {"stage", "string"}})},
      {"Event", Object({{"id", "integer"},
                        {"type", "string"},
                        {"request_id", "integer"},
                        {"created_at", "string"},
                        {"state", "string"},
                        {"attempts", "integer"},
                        {"last_error", "string"},
                        {"next_attempt_at", "string"},
                        {"delivered_at", "string"},
                        {"data", "object"}})},
      {"AuditEntry", Object({{"id", "integer"},
                             {"time", "string"},
                             {"actor", "string"},
                             {"action", "string"},
                             {"target", "string"},
                             {"args", "object"},
                             {"outcome", "string"},
                             {"detail", "string"}})},
      {"Token", Object({{"id", "string"},
                        {"name", "string"},
                        {"role", "string"},
                        {"created_at", "string"},
                        {"revoked", "boolean"},
                        {"revoked_at", "string"},
                        {"expires_at", "string"},
                        {"expired", "boolean"}})},
      {"TokenCreated", Object({{"id", "string"},
                               {"name", "string"},
                               {"role", "string"},
                               {"created_at", "string"},
                               {"revoked", "boolean"},
                               {"expires_at", "string"},
                               {"expired", "boolean"},
                               {"token", "string"}})},
      {"TokenInput",
       Object({{"role", "string"}, {"name", "string"}, {"expires_in", "string"}}, {"role"})},
      {"TokenRevoked", Object({{"id", "string"}, {"revoked", "boolean"}})},
  };
}

struct Op {
  const char* method;
  const char* path;  // under /api/v1
  const char* summary;
  const char* role;                // least role; "" for none
  const char* input;               // request body schema, "" for none
  const char* output;              // response schema ("X" or "X[]")
  int status;                      // on success
  std::vector<const char*> query;  // query parameters (strings)
};

const std::vector<Op>& Ops() {
  // clang-format off
  // method, path, summary, least role, request schema, response schema, status, query
  static const std::vector<Op> kOps = {
      {"GET", "/devices",
       "devices, oldest first, a page at a time (limit 1-1000, default 100; X-Next-Cursor and "
       "Link rel=next name the next page, ?cursor=); all=true lists retired ones too",
       "auditor", "", "Device[]", 200,
       {"owner", "platform", "name_prefix", "targeted_by", "all", "cursor", "limit"}},
      {"POST", "/devices", "add a device", "operator", "DeviceInput", "Device", 201, {}},
      {"GET", "/devices/{id}", "a device and its groups", "auditor", "", "DeviceDetails", 200, {}},
      {"POST", "/devices/{id}/retire", "retire a device, revoke its certificates",
       "operator", "", "Retired", 200, {}},
      {"POST", "/devices/retire",
       "retire many devices, revoke their certificates with each CRL re-signed once; unknown "
       "ids are reported, the others retired", "operator", "RetireManyInput", "RetireReport", 200,
       {}},
      {"POST", "/devices/import",
       "bulk import of devices, users and memberships: the body is CSV with a header row "
       "(text/csv) or JSON lines (application/x-ndjson), at most 64 MiB (else 413: split the "
       "file); rows as `scepgate device import` reads them. Bad rows are refused (line, reason) "
       "and nothing of them written, the others imported; existing users, devices (same id) and "
       "memberships are left as they are. 200 even with refused rows",
       "admin", "ImportRows", "ImportReport", 200, {"create_groups", "dry_run", "type"}},
      {"GET", "/users", "users by UPN, a page at a time (limit 1-1000, default 100; ?cursor=)",
       "auditor", "", "User[]", 200, {"cursor", "limit"}},
      {"POST", "/users", "add a user; a SID needs admin (else 403 permissionDenied)",
       "operator", "UserInput", "User", 201, {}},
      {"PATCH", "/users/{upn}",
       "set the given identity fields of a user (none: confirm them); marks them admin-set",
       "admin", "UserIdentityInput", "UserDetails", 200, {}},
      {"GET", "/users/{upn}", "a user, its groups and devices",
       "auditor", "", "UserDetails", 200, {}},
      {"POST", "/users/{upn}/disable", "disable a user", "operator", "", "UserDetails", 200, {}},
      {"GET", "/groups",
       "groups with member counts by name, a page at a time (limit 1-1000, default 100; ?cursor=)",
       "auditor", "", "GroupSummary[]", 200, {"cursor", "limit"}},
      {"POST", "/groups", "add a group", "operator", "GroupInput", "Group", 201, {}},
      {"GET", "/groups/{name}", "a group and its member counts",
       "auditor", "", "GroupSummary", 200, {}},
      {"GET", "/groups/{name}/members",
       "a group's members, devices then users by id, a page at a time (?kind=device|user; limit "
       "1-1000, default 100; ?cursor=)", "auditor", "", "Member[]", 200, {"kind", "cursor", "limit"}},
      {"POST", "/groups/{name}/members", "add a device or user to a group",
       "operator", "MemberInput", "Membership", 200, {}},
      {"DELETE", "/groups/{name}/members/{kind}/{member}", "remove a member (kind device|user)",
       "operator", "", "Membership", 200, {}},
      {"GET", "/profiles", "list SCEP profiles", "auditor", "", "Profile[]", 200, {}},
      {"POST", "/profiles", "create a SCEP profile", "admin", "ProfileInput", "Profile", 201, {}},
      {"GET", "/profiles/{name}", "a profile and its groups",
       "auditor", "", "ProfileDetails", 200, {}},
      {"PATCH", "/profiles/{name}", "change the given fields of a profile",
       "admin", "ProfileUpdate", "Profile", 200, {}},
      {"DELETE", "/profiles/{name}", "delete a profile and its assignments",
       "admin", "", "ProfileDeleted", 200, {}},
      {"GET", "/profiles/{name}/targets",
       "the devices a profile targets, oldest first, a page at a time (limit 1-1000, default "
       "100; ?cursor=)", "auditor", "", "Device[]", 200, {"cursor", "limit"}},
      {"GET", "/profiles/{name}/report",
       "per-device status of a profile, oldest device first, a page at a time (limit 1-1000, "
       "default 100); a full page names the next in X-Next-Cursor and Link rel=next (?cursor=)",
       "auditor", "", "ReportRow[]", 200, {"cursor", "limit"}},
      {"POST", "/profiles/{name}/assignments", "assign a profile to a group",
       "admin", "AssignmentInput", "Assignment", 201, {}},
      {"DELETE", "/profiles/{name}/assignments/{group}", "remove an assignment",
       "admin", "", "Assignment", 200, {}},
      {"POST", "/challenges",
       "mint a one-time challenge; one whose certificate carries a user identity that no admin "
       "set needs admin (else 403 permissionDenied)",
       "operator", "ChallengeInput", "Challenge", 201, {}},
      {"GET", "/certificates",
       "issued certificates, newest first, a page at a time (limit 1-1000, default 100); a full "
       "page names the next in X-Next-Cursor and Link rel=next (?cursor=); times are "
       "2026-12-05, 2026-12-05T08:30:00Z or unix seconds",
       "auditor", "", "Certificate[]", 200,
       {"status", "issuer", "subject_prefix", "serial_prefix", "device", "profile",
        "issued_after", "issued_before", "cursor", "limit"}},
      {"GET", "/certificates/{serial}", "one certificate", "auditor", "", "Certificate", 200, {}},
      {"POST", "/certificates/{serial}/revoke", "revoke, re-sign the CRL",
       "operator", "RevokeInput", "Certificate", 200, {}},
      {"POST", "/certificates/revoke",
       "revoke many certificates, each CRL re-signed once; unknown serials are reported, the "
       "others revoked", "operator", "RevokeManyInput", "RevokeReport", 200, {}},
      {"GET", "/requests",
       "request records, newest first, a page at a time (limit 1-1000, default 100; ?cursor=); "
       "times as for /certificates",
       "auditor", "", "Request[]", 200,
       {"state", "device", "profile", "created_after", "created_before", "cursor", "limit"}},
      {"POST", "/requests/{id}/approve", "approve a held request",
       "admin", "", "Decision", 200, {}},
      {"POST", "/requests/{id}/reject", "reject a held request",
       "admin", "RejectInput", "Decision", 200, {}},
      {"GET", "/events",
       "notification events, newest first, a page at a time (limit 1-1000, default 100; "
       "?cursor=)", "auditor", "", "Event[]", 200, {"state", "type", "cursor", "limit"}},
      {"GET", "/audit",
       "the audit log, newest first, a page at a time (limit 1-1000, default 100; ?cursor=); "
       "action matches its start (device. for every device change); times as for /certificates",
       "auditor", "", "AuditEntry[]", 200,
       {"action", "actor", "after", "before", "cursor", "limit"}},
      {"GET", "/tokens", "API tokens (never their secrets)", "admin", "", "Token[]", 200, {}},
      {"POST", "/tokens", "create a token, shown once",
       "admin", "TokenInput", "TokenCreated", 201, {}},
      {"POST", "/tokens/{id}/revoke", "revoke a token", "admin", "", "TokenRevoked", 200, {}},
      {"GET", "/openapi.json", "this document", "", "", "object", 200, {}},
  };
  // clang-format on
  return kOps;
}

json Operation(const Op& op) {
  json o = {{"summary", op.summary}, {"operationId", std::string(op.method) + " " + op.path}};
  json params = json::array();
  std::string path = op.path;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
    params.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", Type("string")}});
  }
  for (const char* q : op.query)
    params.push_back(
        {{"name", q}, {"in", "query"}, {"required", false}, {"schema", Type("string")}});
  if (!params.empty()) o["parameters"] = params;
  if (std::string_view(op.input) == "ImportRows") {  // not JSON: the rows of a file
    json text = {{"schema", Type("string")}};
    o["requestBody"] = {{"required", true},
                        {"content", {{"text/csv", text}, {"application/x-ndjson", text}}}};
  } else if (*op.input != '\0')
    o["requestBody"] = {{"required", true},
                        {"content", {{"application/json", {{"schema", Type(op.input)}}}}}};
  json responses = {{std::to_string(op.status),
                     {{"description", "success"},
                      {"content", {{"application/json", {{"schema", Type(op.output)}}}}}}},
                    {"default",
                     {{"description", "error"},
                      {"content", {{"application/json", {{"schema", Type("Error")}}}}}}}};
  o["responses"] = responses;
  if (*op.role != '\0') {
    o["security"] = json::array({{{"bearer", json::array()}}});
    o["x-scepgate-role"] = op.role;
  } else {
    o["security"] = json::array();
  }
  return o;
}

json Build() {
  json paths = json::object();
  for (const Op& op : Ops()) {
    std::string method = op.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[std::string(kApiPrefix) + op.path][method] = Operation(op);
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "scepgate management API"},
        {"version", "1"},
        {"description",
         "Devices, users, groups, SCEP profiles, challenges, certificates and records. Bearer "
         "tokens from `scepgate token create --role admin|operator|auditor`; auditor reads, "
         "operator also changes the directory, issues challenges and revokes, admin also "
         "manages profiles, assignments and tokens, and sets user identities. Separation of "
         "duties: a user's SID, e-mail, DN (and the UPN of a user an operator added) reach a "
         "certificate only when an admin set them: an operator may not give a SID, change an "
         "identity, or mint a challenge carrying an identity no admin set (403 "
         "permissionDenied). Errors: {\"error\": {\"code\", \"message\"}}."}}},
      {"paths", paths},
      {"components",
       {{"schemas", Schemas()},
        {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
      {"security", json::array({{{"bearer", json::array()}}})},
  };
}

}  // namespace

const json& OpenApiDocument() {
  static const json kDocument = Build();
  return kDocument;
}

void AddOpenApiRoute(Router& router) {
  Route r;
  r.method = "GET";
  r.pattern = std::string(kApiPrefix) + "/openapi.json";
  r.role = mgmt::Role::kAuditor;
  r.open = true;
  r.fn = [](ApiCall&) -> Result<ApiReply> { return ApiReply{200, OpenApiDocument()}; };
  router.Add(std::move(r));
}

}  // namespace scepgate::http
