// /api/v1/certificates, /requests, /events, /audit and /tokens: mgmt::Records, AuditLog and
// Tokens, answered as the CLI's --json prints.
#include <charconv>

#include "http/api_body.h"
#include "http/api_routes.h"
#include "http/views.h"
#include "mgmt/approvals.h"
#include "mgmt/audit.h"
#include "mgmt/records.h"
#include "mgmt/tokens.h"

namespace scepgate::http {
namespace {

using mgmt::Role;
using nlohmann::json;

// GET /certificates: one page (?limit, 100 by default, at most 1000), filtered by ?status,
// issuer, subject_prefix, serial_prefix, device, profile, issued_after, issued_before. A full
// page names where the next one starts: X-Next-Cursor and a Link rel="next" with ?cursor=.
Result<ApiReply> ListCertificates(const ApiDeps& d, ApiCall& call) {
  mgmt::CertQuery q;
  for (auto [key, field] : {std::pair{"status", &q.status},
                            {"issuer", &q.issuer},
                            {"subject_prefix", &q.subject_prefix},
                            {"serial_prefix", &q.serial_prefix},
                            {"device", &q.device},
                            {"profile", &q.profile},
                            {"issued_after", &q.issued_after},
                            {"issued_before", &q.issued_before},
                            {"cursor", &q.cursor}}) {
    SG_ASSIGN_OR_RETURN(*field, call.Query(key));
  }
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(mgmt::CertPage page, mgmt::Records(d.store).CertificatePage(q));
  return PagedReply(page, views::CertificateJson, "/certificates", call);
}

Result<ApiReply> RevokeCertificate(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"reason"}));
  SG_ASSIGN_OR_RETURN(std::string reason, StringOr(call.body, "reason"));
  call.target = mgmt::NormalizeSerial(call.Param("serial"));
  SG_ASSIGN_OR_RETURN(auto cert,
                      mgmt::Records(d.store, d.revoker).Revoke(call.Param("serial"), reason));
  return ApiReply{200, views::CertificateJson(cert)};
}

// POST /certificates/revoke {"serials": [...], "reason"}: every CRL re-signed once. 200 with what
// happened to each serial, unknown ones included (the others are revoked all the same).
Result<ApiReply> RevokeCertificates(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"serials", "reason"}));
  SG_ASSIGN_OR_RETURN(auto serials, OptStrings(call.body, "serials"));
  if (!serials || serials->empty())
    return Fail(Error::InvalidArgument("serials: a list of at least one serial is required"));
  SG_ASSIGN_OR_RETURN(std::string reason, StringOr(call.body, "reason"));
  call.target = std::to_string(serials->size()) + " serials";
  SG_ASSIGN_OR_RETURN(auto report, mgmt::Records(d.store, d.revoker).RevokeMany(*serials, reason));
  return ApiReply{200, views::RevokeReportJson(report)};
}

// GET /requests: one page, newest first, filtered by ?state, device, profile, created_after,
// created_before; paged as /certificates.
Result<ApiReply> ListRequests(const ApiDeps& d, ApiCall& call) {
  mgmt::RequestQuery q;
  for (auto [key, field] : {std::pair{"state", &q.state},
                            {"device", &q.device},
                            {"profile", &q.profile},
                            {"created_after", &q.created_after},
                            {"created_before", &q.created_before},
                            {"cursor", &q.cursor}}) {
    SG_ASSIGN_OR_RETURN(*field, call.Query(key));
  }
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, mgmt::Records(d.store).RequestPage(q));
  return PagedReply(page, views::RequestJson, "/requests", call);
}

// POST /requests/{id}/approve|reject: the request id, as a whole number. kInvalidArgument.
Result<int64_t> RequestId(const ApiCall& call) {
  const std::string& text = call.Param("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    return Fail(Error::InvalidArgument("request id must be a whole number, not '" + text + "'"));
  return id;
}

Result<ApiReply> ApproveRequest(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  SG_ASSIGN_OR_RETURN(int64_t id, RequestId(call));
  SG_TRY_STATUS(mgmt::Approvals(d.store, d.clock).Approve(id));
  return ApiReply{200, {{"id", id}, {"decision", "approved"}}};
}

Result<ApiReply> RejectRequest(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"reason"}));
  SG_ASSIGN_OR_RETURN(int64_t id, RequestId(call));
  SG_ASSIGN_OR_RETURN(std::string reason, StringOr(call.body, "reason"));
  SG_TRY_STATUS(mgmt::Approvals(d.store, d.clock).Reject(id, reason));
  return ApiReply{200, {{"id", id}, {"decision", "rejected"}, {"reason", reason}}};
}

// GET /events: one page, newest first, filtered by ?state and type; paged as /certificates.
Result<ApiReply> ListEvents(const ApiDeps& d, ApiCall& call) {
  mgmt::EventQuery q;
  for (auto [key, field] :
       {std::pair{"state", &q.state}, {"type", &q.type}, {"cursor", &q.cursor}}) {
    SG_ASSIGN_OR_RETURN(*field, call.Query(key));
  }
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, mgmt::Records(d.store).EventPage(q));
  return PagedReply(page, views::EventJson, "/events", call);
}

// GET /audit: one page, newest first, filtered by ?action (or its start), actor, after, before;
// paged as /certificates.
Result<ApiReply> ListAudit(const ApiDeps& d, ApiCall& call) {
  mgmt::AuditQuery q;
  for (auto [key, field] : {std::pair{"action", &q.action},
                            {"actor", &q.actor},
                            {"after", &q.after},
                            {"before", &q.before},
                            {"cursor", &q.cursor}}) {
    SG_ASSIGN_OR_RETURN(*field, call.Query(key));
  }
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, mgmt::AuditLog(d.store, d.clock).List(q));
  return PagedReply(page, views::AuditJson, "/audit", call);
}

Result<ApiReply> CreateToken(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"role", "name", "expires_in"}));
  SG_ASSIGN_OR_RETURN(std::string role, RequiredString(call.body, "role"));
  SG_ASSIGN_OR_RETURN(std::string name, StringOr(call.body, "name"));
  SG_ASSIGN_OR_RETURN(std::string expires_in, StringOr(call.body, "expires_in"));
  mgmt::Tokens tokens(d.store, d.clock, d.random, d.token_default_expiry_days);
  SG_ASSIGN_OR_RETURN(mgmt::CreatedToken made, tokens.Create(role, name, expires_in));
  call.target = made.record.id;
  json j = views::TokenJson(made.record, d.clock.Now());
  j["token"] = made.token;  // shown once
  return ApiReply{201, j};
}

Result<ApiReply> RevokeToken(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  mgmt::Tokens tokens(d.store, d.clock, d.random);
  SG_TRY_STATUS(tokens.Revoke(call.Param("id")));
  return ApiReply{200, {{"id", call.Param("id")}, {"revoked", true}}};
}

}  // namespace

void AddRecordRoutes(Router& router, const ApiDeps& deps) {
  const ApiDeps& d = deps;
  auto route = [&](std::string method, std::string path, Role role, std::string action,
                   Result<ApiReply> (*fn)(const ApiDeps&, ApiCall&)) {
    router.Add({std::move(method), std::string(kApiPrefix) + path, role, std::move(action),
                [dp = &d, fn](ApiCall& call) { return fn(*dp, call); }});
  };
  route("GET", "/certificates", Role::kAuditor, "", ListCertificates);
  route("GET", "/certificates/{serial}", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall& call) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto cert, mgmt::Records(dd.store).Certificate(call.Param("serial")));
          return ApiReply{200, views::CertificateJson(cert)};
        });
  route("POST", "/certificates/{serial}/revoke", Role::kOperator, "certificate.revoke",
        RevokeCertificate);
  route("POST", "/certificates/revoke", Role::kOperator, "certificate.revoke", RevokeCertificates);
  route("GET", "/requests", Role::kAuditor, "", ListRequests);
  route("POST", "/requests/{id}/approve", Role::kAdmin, "request.approve", ApproveRequest);
  route("POST", "/requests/{id}/reject", Role::kAdmin, "request.reject", RejectRequest);
  route("GET", "/events", Role::kAuditor, "", ListEvents);
  route("GET", "/audit", Role::kAuditor, "", ListAudit);
  route("GET", "/tokens", Role::kAdmin, "", [](const ApiDeps& dd, ApiCall&) -> Result<ApiReply> {
    SG_ASSIGN_OR_RETURN(auto tokens, mgmt::Tokens(dd.store, dd.clock, dd.random).List());
    const int64_t now = dd.clock.Now();
    return ApiReply{200, Array(tokens, [now](const store::TokenRecord& t) {
                      return views::TokenJson(t, now);
                    })};
  });
  route("POST", "/tokens", Role::kAdmin, "token.create", CreateToken);
  route("POST", "/tokens/{id}/revoke", Role::kAdmin, "token.revoke", RevokeToken);
}

}  // namespace scepgate::http
