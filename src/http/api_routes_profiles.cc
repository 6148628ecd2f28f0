// /api/v1/profiles (with their assignments, targets and report) and /api/v1/challenges:
// mgmt::Profiles, Targeting, Report and Challenges, answered as the CLI's --json prints.
#include <algorithm>
#include <array>

#include "common/percent.h"
#include "http/api_body.h"
#include "http/api_routes.h"
#include "http/views.h"
#include "mgmt/challenges.h"
#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "mgmt/records.h"
#include "mgmt/report.h"
#include "mgmt/targeting.h"

namespace scepgate::http {
namespace {

using mgmt::Role;
using nlohmann::json;

// The fields of a profile a body may set, named as ProfileJson names them.
constexpr std::array<std::string_view, 16> kProfileFields = {
    "type",           "subject",           "sans",
    "strong_mapping", "purpose",           "ekus",
    "key_type",       "min_key_size",      "hash",
    "validity_days",  "renewal_threshold", "urls",
    "trusted_ca",     "require_approval",  "ca_fingerprint",
    "key_extractable"};

// The profile fields given in the body; the others stay unset.
Result<mgmt::ProfileSpec> SpecFrom(const json& body) {
  mgmt::ProfileSpec s;
  SG_ASSIGN_OR_RETURN(s.cert_type, OptString(body, "type"));
  SG_ASSIGN_OR_RETURN(s.subject, OptString(body, "subject"));
  SG_ASSIGN_OR_RETURN(s.sans, OptStrings(body, "sans"));
  SG_ASSIGN_OR_RETURN(s.strong_mapping, OptBool(body, "strong_mapping"));
  SG_ASSIGN_OR_RETURN(s.purpose, OptString(body, "purpose"));
  SG_ASSIGN_OR_RETURN(s.ekus, OptStrings(body, "ekus"));
  SG_ASSIGN_OR_RETURN(s.key_type, OptString(body, "key_type"));
  SG_ASSIGN_OR_RETURN(s.min_key_size, OptInt(body, "min_key_size"));
  SG_ASSIGN_OR_RETURN(s.hash, OptString(body, "hash"));
  SG_ASSIGN_OR_RETURN(s.validity_days, OptInt(body, "validity_days"));
  SG_ASSIGN_OR_RETURN(s.renewal_threshold, OptInt(body, "renewal_threshold"));
  SG_ASSIGN_OR_RETURN(s.urls, OptStrings(body, "urls"));
  SG_ASSIGN_OR_RETURN(s.trusted_ca, OptString(body, "trusted_ca"));
  SG_ASSIGN_OR_RETURN(s.require_approval, OptBool(body, "require_approval"));
  SG_ASSIGN_OR_RETURN(s.ca_fingerprint, OptString(body, "ca_fingerprint"));
  SG_ASSIGN_OR_RETURN(s.key_extractable, OptBool(body, "key_extractable"));
  return s;
}

// Profiles with revocation on unassign when the config says so (as the CLI's).
mgmt::Profiles ProfilesOf(const ApiDeps& d) {
  return mgmt::Profiles(d.store, d.clock, d.revoke_on_unassign ? d.revoker : nullptr);
}

Status CheckProfileBody(const json& body, bool with_name) {
  for (const auto& [key, value] : body.items()) {
    if (with_name && key == "name") continue;
    if (std::ranges::find(kProfileFields, std::string_view(key)) == kProfileFields.end())
      return Fail(Error::InvalidArgument("unknown field '" + key + "' (see ProfileInput in " +
                                         std::string(kApiPrefix) + "/openapi.json)"));
  }
  return {};
}

Result<ApiReply> CreateProfile(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(CheckProfileBody(call.body, true));
  SG_ASSIGN_OR_RETURN(std::string name, StringOr(call.body, "name"));
  call.target = name;
  SG_ASSIGN_OR_RETURN(mgmt::ProfileSpec spec, SpecFrom(call.body));
  if (!spec.trusted_ca) spec.trusted_ca = d.default_trusted_ca;
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, mgmt::Profiles(d.store, d.clock).Create(name, spec));
  return ApiReply{201, views::ProfileJson(p)};
}

Result<ApiReply> UpdateProfile(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(CheckProfileBody(call.body, false));
  SG_ASSIGN_OR_RETURN(mgmt::ProfileSpec spec, SpecFrom(call.body));
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p,
                      mgmt::Profiles(d.store, d.clock).Update(call.Param("name"), spec));
  return ApiReply{200, views::ProfileJson(p)};
}

Result<ApiReply> DeleteProfile(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  SG_ASSIGN_OR_RETURN(auto revoked, ProfilesOf(d).Delete(call.Param("name")));
  return ApiReply{200, {{"name", call.Param("name")}, {"revoked", revoked}}};
}

Result<ApiReply> Assign(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"group"}));
  SG_ASSIGN_OR_RETURN(std::string group, RequiredString(call.body, "group"));
  SG_TRY_STATUS(ProfilesOf(d).Assign(call.Param("name"), group));
  return ApiReply{201, {{"profile", call.Param("name")}, {"group", group}}};
}

Result<ApiReply> Unassign(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  const std::string& group = call.Param("group");
  call.args = {{"group", group}};
  SG_ASSIGN_OR_RETURN(auto revoked, ProfilesOf(d).Unassign(call.Param("name"), group));
  return ApiReply{200, {{"profile", call.Param("name")}, {"group", group}, {"revoked", revoked}}};
}

Result<ApiReply> IssueChallenge(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"device", "profile", "ttl"}));
  SG_ASSIGN_OR_RETURN(std::string device, RequiredString(call.body, "device"));
  SG_ASSIGN_OR_RETURN(std::string profile, RequiredString(call.body, "profile"));
  SG_ASSIGN_OR_RETURN(std::string ttl_text, StringOr(call.body, "ttl"));
  call.target = device;
  int64_t ttl = d.challenge_ttl_seconds;
  if (!ttl_text.empty()) {
    SG_ASSIGN_OR_RETURN(ttl, mgmt::ParseChallengeTtl(ttl_text));
  }
  mgmt::Challenges challenges(d.store, d.clock, d.random, d.challenges);
  SG_ASSIGN_OR_RETURN(mgmt::IssuedChallenge issued,
                      challenges.Issue(device, profile, ttl, call.role));
  return ApiReply{201, views::IssuedChallengeJson(issued)};
}

// GET /profiles/{name}/targets: the devices the profile targets, oldest first, paged as /devices.
Result<ApiReply> ProfileTargets(const ApiDeps& d, ApiCall& call) {
  mgmt::DeviceQuery q;
  q.targeted_by = call.Param("name");
  SG_ASSIGN_OR_RETURN(q.cursor, call.Query("cursor"));
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page,
                      mgmt::Directory(d.store, d.clock, d.random, d.revoker).DevicePage(q));
  return PagedReply(page, views::DeviceJson,
                    "/profiles/" + PercentEncode(q.targeted_by) + "/targets", call);
}

// GET /profiles/{name}/report: one page (?limit, 100 by default, at most 1000; ?cursor), each
// targeted device's status; a full page names where the next one starts (X-Next-Cursor, Link).
Result<ApiReply> ProfileReport(const ApiDeps& d, ApiCall& call) {
  SG_ASSIGN_OR_RETURN(int limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(std::string cursor, call.Query("cursor"));
  const std::string name = call.Param("name");
  SG_ASSIGN_OR_RETURN(
      mgmt::ReportPage page,
      mgmt::Report(d.store, d.clock).Page(name, cursor, static_cast<size_t>(limit)));
  ApiReply reply{200, Array(page.rows, views::ReportRowJson)};
  LinkNextPage(reply, "/api/v1/profiles/" + PercentEncode(name) + "/report", call.request.query,
               page.next_cursor);
  return reply;
}

}  // namespace

void AddProfileRoutes(Router& router, const ApiDeps& deps) {
  const ApiDeps& d = deps;
  auto route = [&](std::string method, std::string path, Role role, std::string action,
                   Result<ApiReply> (*fn)(const ApiDeps&, ApiCall&)) {
    router.Add({std::move(method), std::string(kApiPrefix) + path, role, std::move(action),
                [dp = &d, fn](ApiCall& call) { return fn(*dp, call); }});
  };
  route("GET", "/profiles", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall&) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto profiles, mgmt::Profiles(dd.store, dd.clock).List());
          return ApiReply{200, Array(profiles, views::ProfileJson)};
        });
  route("POST", "/profiles", Role::kAdmin, "profile.create", CreateProfile);
  route("GET", "/profiles/{name}", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall& call) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto shown,
                              mgmt::Profiles(dd.store, dd.clock).Show(call.Param("name")));
          return ApiReply{200, views::ProfileDetailsJson(shown)};
        });
  route("PATCH", "/profiles/{name}", Role::kAdmin, "profile.update", UpdateProfile);
  route("DELETE", "/profiles/{name}", Role::kAdmin, "profile.delete", DeleteProfile);
  route("GET", "/profiles/{name}/targets", Role::kAuditor, "", ProfileTargets);
  route("GET", "/profiles/{name}/report", Role::kAuditor, "", ProfileReport);
  route("POST", "/profiles/{name}/assignments", Role::kAdmin, "assignment.add", Assign);
  route("DELETE", "/profiles/{name}/assignments/{group}", Role::kAdmin, "assignment.remove",
        Unassign);
  route("POST", "/challenges", Role::kOperator, "challenge.issue", IssueChallenge);
}

}  // namespace scepgate::http
