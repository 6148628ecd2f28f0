// /api/v1/devices, /users, /groups: mgmt::Directory, answered as `scepgate device|user|group ...
// --json` prints.
#include "common/percent.h"
#include "common/text.h"
#include "http/api_body.h"
#include "http/api_routes.h"
#include "http/views.h"
#include "mgmt/directory.h"
#include "mgmt/import.h"
#include "mgmt/import_json.h"

namespace scepgate::http {
namespace {

using mgmt::Role;
using nlohmann::json;

mgmt::Directory DirectoryOf(const ApiDeps& d) {
  return mgmt::Directory(d.store, d.clock, d.random, d.revoker);
}

// GET /devices: one page, oldest first, filtered by ?owner, platform, name_prefix, all (retired
// too: true or 1); ?limit (100 by default, at most 1000) and ?cursor as /certificates.
Result<ApiReply> ListDevices(const ApiDeps& d, ApiCall& call) {
  mgmt::DeviceQuery q;
  for (auto [key, field] : {std::pair{"owner", &q.owner},
                            {"platform", &q.platform},
                            {"name_prefix", &q.name_prefix},
                            {"targeted_by", &q.targeted_by},
                            {"cursor", &q.cursor}}) {
    SG_ASSIGN_OR_RETURN(*field, call.Query(key));
  }
  SG_ASSIGN_OR_RETURN(std::string all, call.Query("all"));
  q.include_retired = all == "true" || all == "1";
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, DirectoryOf(d).DevicePage(q));
  return PagedReply(page, views::DeviceJson, "/devices", call);
}

// GET /users: one page by UPN; ?limit and ?cursor as /certificates.
Result<ApiReply> ListUsers(const ApiDeps& d, ApiCall& call) {
  mgmt::UserQuery q;
  SG_ASSIGN_OR_RETURN(q.cursor, call.Query("cursor"));
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, DirectoryOf(d).UserPage(q));
  return PagedReply(page, views::UserJson, "/users", call);
}

// GET /groups: one page by name, with member counts; ?limit and ?cursor as /certificates.
Result<ApiReply> ListGroups(const ApiDeps& d, ApiCall& call) {
  mgmt::GroupQuery q;
  SG_ASSIGN_OR_RETURN(q.cursor, call.Query("cursor"));
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  SG_ASSIGN_OR_RETURN(auto page, DirectoryOf(d).GroupPage(q));
  return PagedReply(page, views::GroupSummaryJson, "/groups", call);
}

// GET /groups/{name}/members: one page, devices then users by id; ?kind=device|user, ?limit and
// ?cursor as /certificates.
Result<ApiReply> ListMembers(const ApiDeps& d, ApiCall& call) {
  mgmt::MemberQuery q;
  SG_ASSIGN_OR_RETURN(q.kind, call.Query("kind"));
  SG_ASSIGN_OR_RETURN(q.cursor, call.Query("cursor"));
  SG_ASSIGN_OR_RETURN(q.limit, call.PageLimit());
  const std::string group = call.Param("name");
  SG_ASSIGN_OR_RETURN(auto page, DirectoryOf(d).MemberPage(group, q));
  return PagedReply(page, views::MemberJson, "/groups/" + PercentEncode(group) + "/members", call);
}

Result<ApiReply> AddDevice(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"name", "platform", "serial_number", "owner"}));
  mgmt::NewDevice n;
  SG_ASSIGN_OR_RETURN(n.name, StringOr(call.body, "name"));
  SG_ASSIGN_OR_RETURN(n.platform, StringOr(call.body, "platform"));
  SG_ASSIGN_OR_RETURN(n.serial_number, StringOr(call.body, "serial_number"));
  SG_ASSIGN_OR_RETURN(n.owner, StringOr(call.body, "owner"));
  SG_ASSIGN_OR_RETURN(store::DeviceRecord device, DirectoryOf(d).AddDevice(n));
  call.target = device.id;
  return ApiReply{201, views::DeviceJson(device)};
}

Result<ApiReply> RetireDevice(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  SG_ASSIGN_OR_RETURN(auto revoked, DirectoryOf(d).RetireDevice(call.Param("id")));
  return ApiReply{200, {{"id", call.Param("id")}, {"revoked", revoked}}};
}

// POST /devices/retire {"ids": [...]}: their certificates revoked in one go. 200 with what
// happened to each id, unknown ones included.
Result<ApiReply> RetireDevices(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"ids"}));
  SG_ASSIGN_OR_RETURN(auto ids, OptStrings(call.body, "ids"));
  if (!ids || ids->empty())
    return Fail(Error::InvalidArgument("ids: a list of at least one device id is required"));
  call.target = std::to_string(ids->size()) + " devices";
  SG_ASSIGN_OR_RETURN(auto report, DirectoryOf(d).RetireDevices(*ids));
  return ApiReply{200, views::RetireReportJson(report)};
}

Result<ApiReply> AddUser(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"upn", "email", "sid", "on_prem_dn"}));
  mgmt::NewUser n;
  SG_ASSIGN_OR_RETURN(n.upn, StringOr(call.body, "upn"));
  SG_ASSIGN_OR_RETURN(n.email, StringOr(call.body, "email"));
  SG_ASSIGN_OR_RETURN(n.sid, StringOr(call.body, "sid"));
  SG_ASSIGN_OR_RETURN(n.on_prem_dn, StringOr(call.body, "on_prem_dn"));
  call.target = n.upn;
  SG_ASSIGN_OR_RETURN(store::UserRecord user, DirectoryOf(d).AddUser(n, call.role));
  return ApiReply{201, views::UserJson(user)};
}

// PATCH: {"email", "sid", "on_prem_dn"}, each optional; an empty body confirms them as they are.
Result<ApiReply> SetUserIdentity(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"email", "sid", "on_prem_dn"}));
  mgmt::UserIdentity change;
  for (auto [field, value] : {std::pair{"email", &change.email}, std::pair{"sid", &change.sid},
                              std::pair{"on_prem_dn", &change.on_prem_dn}}) {
    if (!call.body.contains(field)) continue;
    SG_ASSIGN_OR_RETURN(*value, StringOr(call.body, field));
  }
  mgmt::Directory directory = DirectoryOf(d);
  SG_TRY_STATUS(directory.SetUserIdentity(call.Param("upn"), change, call.role));
  SG_ASSIGN_OR_RETURN(auto shown, directory.ShowUser(call.Param("upn")));
  return ApiReply{200, views::UserDetailsJson(shown)};
}

Result<ApiReply> DisableUser(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  mgmt::Directory directory = DirectoryOf(d);
  SG_TRY_STATUS(directory.DisableUser(call.Param("upn")));
  SG_ASSIGN_OR_RETURN(auto shown, directory.ShowUser(call.Param("upn")));
  return ApiReply{200, views::UserDetailsJson(shown)};
}

Result<ApiReply> AddGroup(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {"name", "description"}));
  SG_ASSIGN_OR_RETURN(std::string name, StringOr(call.body, "name"));
  SG_ASSIGN_OR_RETURN(std::string description, StringOr(call.body, "description"));
  call.target = name;
  SG_ASSIGN_OR_RETURN(store::GroupRecord group, DirectoryOf(d).AddGroup(name, description));
  return ApiReply{201, views::GroupJson(group)};
}

// The member a body names: {"device": ID} or {"user": UPN}, exactly one.
Result<store::GroupMember> MemberOf(const json& body) {
  SG_TRY_STATUS(OnlyFields(body, {"device", "user"}));
  SG_ASSIGN_OR_RETURN(std::string device, StringOr(body, "device"));
  SG_ASSIGN_OR_RETURN(std::string user, StringOr(body, "user"));
  if (device.empty() == user.empty())
    return Fail(Error::InvalidArgument("give exactly one of 'device' (id) and 'user' (UPN)"));
  store::GroupMember m;
  m.kind = device.empty() ? store::MemberKind::kUser : store::MemberKind::kDevice;
  m.id = device.empty() ? user : device;
  return m;
}

Result<ApiReply> AddMember(const ApiDeps& d, ApiCall& call) {
  SG_ASSIGN_OR_RETURN(store::GroupMember m, MemberOf(call.body));
  SG_ASSIGN_OR_RETURN(mgmt::Membership added, DirectoryOf(d).AddMember(call.Param("name"), m));
  return ApiReply{200, views::MembershipJson(added)};
}

Result<ApiReply> RemoveMember(const ApiDeps& d, ApiCall& call) {
  SG_TRY_STATUS(OnlyFields(call.body, {}));
  const std::string& kind = call.Param("kind");
  if (kind != "device" && kind != "user")
    return Fail(Error::InvalidArgument("member kind is device or user, not '" + kind + "'"));
  json member = {{kind, call.Param("member")}};
  call.args = member;
  SG_ASSIGN_OR_RETURN(store::GroupMember m, MemberOf(member));
  SG_ASSIGN_OR_RETURN(mgmt::Membership removed, DirectoryOf(d).RemoveMember(call.Param("name"), m));
  return ApiReply{200, views::MembershipJson(removed)};
}

// The largest import body: 64 MiB holds some 400,000 device rows; a larger file is split.
constexpr size_t kMaxImportBytes = size_t{64} << 20;

bool QueryFlag(const std::string& value) { return value == "true" || value == "1"; }

// POST /devices/import?create_groups=true&dry_run=true&type=device|user: the body is CSV
// (text/csv) or JSON lines (application/x-ndjson), as `scepgate device import` reads. 200 with
// the counts, the refused rows (line and reason) and the ids minted, refused rows or not.
Result<ApiReply> ImportDevices(const ApiDeps& d, ApiCall& call) {
  std::string content_type = HeaderValue(call.request, "content-type");
  content_type = AsciiLower(content_type.substr(0, content_type.find(';')));
  while (!content_type.empty() && content_type.back() == ' ') content_type.pop_back();
  mgmt::ImportOptions options;
  if (content_type == "text/csv") {
    options.format = mgmt::ImportFormat::kCsv;
  } else if (content_type == "application/x-ndjson" || content_type == "application/jsonl" ||
             content_type == "application/x-jsonlines") {
    options.format = mgmt::ImportFormat::kJsonLines;
  } else {
    return Fail(Error::InvalidArgument(
        "Content-Type must be text/csv or application/x-ndjson, not '" + content_type + "'"));
  }
  SG_ASSIGN_OR_RETURN(std::string create_groups, call.Query("create_groups"));
  SG_ASSIGN_OR_RETURN(std::string dry_run, call.Query("dry_run"));
  SG_ASSIGN_OR_RETURN(std::string type, call.Query("type"));
  options.create_groups = QueryFlag(create_groups);
  options.dry_run = QueryFlag(dry_run);
  if (!type.empty()) options.default_type = type;
  options.by = call.role;
  call.args = {{"create_groups", options.create_groups}, {"dry_run", options.dry_run}};
  SG_ASSIGN_OR_RETURN(
      mgmt::ImportReport report,
      mgmt::Importer(d.store, d.clock, d.random).Import(call.request.body, options));
  call.target = std::to_string(report.rows) + " rows";
  call.args["counts"] = mgmt::ImportCountsJson(report);
  return ApiReply{200, mgmt::ImportReportJson(report, options.dry_run)};
}

}  // namespace

void AddDirectoryRoutes(Router& router, const ApiDeps& deps) {
  const ApiDeps& d = deps;
  auto route = [&](std::string method, std::string path, Role role, std::string action,
                   Result<ApiReply> (*fn)(const ApiDeps&, ApiCall&)) {
    router.Add({std::move(method), std::string(kApiPrefix) + path, role, std::move(action),
                [dp = &d, fn](ApiCall& call) { return fn(*dp, call); }});
  };
  route("GET", "/devices", Role::kAuditor, "", ListDevices);
  route("POST", "/devices", Role::kOperator, "device.add", AddDevice);
  route("GET", "/devices/{id}", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall& call) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto shown, DirectoryOf(dd).ShowDevice(call.Param("id")));
          return ApiReply{200, views::DeviceDetailsJson(shown)};
        });
  route("POST", "/devices/{id}/retire", Role::kOperator, "device.retire", RetireDevice);
  route("POST", "/devices/retire", Role::kOperator, "device.retire", RetireDevices);
  router.Add({"POST", std::string(kApiPrefix) + "/devices/import", Role::kAdmin, "device.import",
              [dp = &d](ApiCall& call) { return ImportDevices(*dp, call); }, false, true,
              kMaxImportBytes});

  route("GET", "/users", Role::kAuditor, "", ListUsers);
  route("POST", "/users", Role::kOperator, "user.add", AddUser);
  route("GET", "/users/{upn}", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall& call) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto shown, DirectoryOf(dd).ShowUser(call.Param("upn")));
          return ApiReply{200, views::UserDetailsJson(shown)};
        });
  route("PATCH", "/users/{upn}", Role::kAdmin, "user.set-identity", SetUserIdentity);
  route("POST", "/users/{upn}/disable", Role::kOperator, "user.disable", DisableUser);

  route("GET", "/groups", Role::kAuditor, "", ListGroups);
  route("POST", "/groups", Role::kOperator, "group.add", AddGroup);
  route("GET", "/groups/{name}", Role::kAuditor, "",
        [](const ApiDeps& dd, ApiCall& call) -> Result<ApiReply> {
          SG_ASSIGN_OR_RETURN(auto shown, DirectoryOf(dd).ShowGroup(call.Param("name")));
          return ApiReply{200, views::GroupSummaryJson(shown)};
        });
  route("GET", "/groups/{name}/members", Role::kAuditor, "", ListMembers);
  route("POST", "/groups/{name}/members", Role::kOperator, "group.add-member", AddMember);
  route("DELETE", "/groups/{name}/members/{kind}/{member}", Role::kOperator, "group.remove-member",
        RemoveMember);
}

}  // namespace scepgate::http
