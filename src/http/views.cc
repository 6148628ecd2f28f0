#include "http/views.h"

#include <ctime>

#include "common/utc_time.h"

#include "ca/key_spec.h"
#include "ca/revocation.h"
#include "mgmt/tokens.h"

namespace scepgate::views {
namespace {

// A JSON text as stored (event payloads, audit arguments): parsed, or kept as a string.
nlohmann::json Embedded(const std::string& text) {
  nlohmann::json data = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return data.is_discarded() ? nlohmann::json(text) : data;
}

}  // namespace

std::string IsoTime(int64_t t) { return t == 0 ? "" : FormatUtcTime(t); }

nlohmann::json CertificateJson(const store::CertificateRecord& c) {
  nlohmann::json j = {
      {"serial", c.serial},
      {"subject", c.subject},
      {"sans", c.sans},
      {"not_before", IsoTime(c.not_before)},
      {"not_after", IsoTime(c.not_after)},
      {"sha1", c.sha1},
      {"sha256", c.sha256},
      {"status", c.status == store::CertStatus::kRevoked ? "revoked" : "valid"},
      {"issuer_id", c.issuer_id},
      {"template", c.template_name},
      {"transaction_id", c.transaction_id},
      {"issued_at", IsoTime(c.created_at)},
      // What it was issued for ("" when not issued on a profile, e.g. on the static challenge).
      {"device_id", c.device_id},
      {"user_upn", c.user_upn},
      {"profile", c.profile},
      {"challenge_id", c.challenge_id},
      {"request_id", c.request_id},
  };
  if (c.status == store::CertStatus::kRevoked) {
    j["revoked_at"] = IsoTime(c.revoked_at);
    j["revocation_reason"] = std::string(
        ca::RevocationReasonName(static_cast<ca::RevocationReason>(c.revocation_reason)));
  }
  return j;
}

nlohmann::json RevokeReportJson(const ca::RevokeReport& r) {
  return {
      {"revoked", r.revoked}, {"already_revoked", r.already_revoked}, {"not_found", r.not_found}};
}

nlohmann::json RetireReportJson(const mgmt::RetireReport& r) {
  return {{"retired", r.retired},
          {"already_retired", r.already_retired},
          {"not_found", r.not_found},
          {"revoked", r.revoked}};
}

nlohmann::json RequestJson(const store::RequestRecord& r) {
  return {
      {"id", r.id},
      {"time", IsoTime(r.created_at)},
      {"transaction_id", r.transaction_id},
      {"message_type", r.message_type},
      {"state", r.state},
      {"fail_info", r.fail_info},
      {"reason", r.reason},
      {"renewal", r.renewal},
      {"signer", r.signer_subject},
      {"serial", r.cert_serial},
      {"remote_addr", r.remote_addr},
      {"correlation_id", r.correlation_id},
      {"duration_ms", static_cast<double>(r.duration_us) / 1000.0},
      // Known once the challenge (or the renewed certificate) was read; "" otherwise.
      {"device_id", r.device_id},
      {"user_upn", r.user_upn},
      {"profile", r.profile},
      {"challenge_id", r.challenge_id},
      {"stage", r.stage},
  };
}

nlohmann::json DeviceJson(const store::DeviceRecord& d) {
  nlohmann::json j = {
      {"id", d.id},
      {"name", d.name},
      {"platform", d.platform},
      {"serial_number", d.serial_number},
      {"owner", d.owner},
      {"retired", d.retired},
      {"created_at", IsoTime(d.created_at)},
  };
  if (d.retired) j["retired_at"] = IsoTime(d.retired_at);
  return j;
}

nlohmann::json UserJson(const store::UserRecord& u) {
  nlohmann::json j = {
      {"upn", u.upn},
      {"email", u.email},
      {"sid", u.sid},
      {"on_prem_dn", u.on_prem_dn},
      {"disabled", u.disabled},
      {"created_at", IsoTime(u.created_at)},
      {"identity_by_admin", u.identity_by_admin},
  };
  if (u.disabled) j["disabled_at"] = IsoTime(u.disabled_at);
  return j;
}

nlohmann::json GroupJson(const store::GroupRecord& g) {
  return {
      {"name", g.name},
      {"description", g.description},
      {"created_at", IsoTime(g.created_at)},
  };
}

nlohmann::json GroupNames(const std::vector<store::GroupRecord>& groups) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& g : groups) arr.push_back(g.name);
  return arr;
}

nlohmann::json DeviceDetailsJson(const mgmt::DeviceDetails& d) {
  nlohmann::json j = DeviceJson(d.device);
  j["groups"] = GroupNames(d.groups);
  return j;
}

nlohmann::json UserDetailsJson(const mgmt::UserDetails& u) {
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& dev : u.devices) devices.push_back(dev.id);
  nlohmann::json j = UserJson(u.user);
  j["groups"] = GroupNames(u.groups);
  j["devices"] = devices;
  return j;
}

nlohmann::json GroupSummaryJson(const mgmt::GroupSummary& s) {
  nlohmann::json j = GroupJson(s.group);
  j["devices"] = s.devices;
  j["users"] = s.users;
  return j;
}

nlohmann::json MemberJson(const store::GroupMember& m) {
  return {{"kind", store::MemberKindName(m.kind)}, {"id", m.id}};
}

nlohmann::json MembershipJson(const mgmt::Membership& m) {
  return {{"group", GroupJson(m.group)}, {"member", MemberJson(m.member)}};
}

nlohmann::json ProfileJson(const store::ProfileRecord& p) {
  return {
      {"name", p.name},
      {"type", p.cert_type},
      {"subject", p.subject},
      {"sans", p.sans},
      {"strong_mapping", p.strong_mapping},
      {"purpose", p.purpose},
      {"ekus", p.ekus},
      {"key_type", p.key_type},
      {"min_key_size", p.min_key_size},
      {"hash", p.hash},
      {"validity_days", p.validity_days},
      {"renewal_threshold", p.renewal_threshold},
      {"urls", p.urls},
      {"trusted_ca", p.trusted_ca},
      {"require_approval", p.require_approval},
      {"ca_fingerprint", p.ca_fingerprint},
      {"key_extractable", p.key_extractable},
      {"created_at", IsoTime(p.created_at)},
      {"updated_at", IsoTime(p.updated_at)},
  };
}

nlohmann::json ProfileDetailsJson(const mgmt::ProfileDetails& p) {
  nlohmann::json j = ProfileJson(p.profile);
  j["groups"] = GroupNames(p.groups);
  return j;
}

nlohmann::json IssuedChallengeJson(const mgmt::IssuedChallenge& issued) {
  const store::ChallengeRecord& r = issued.record;
  return {{"challenge", issued.challenge},
          {"format", r.format},
          {"device", r.device_id},
          {"user", r.user_upn},
          {"profile", r.profile},
          {"subject", r.subject},
          {"sans", r.sans},
          {"key_type", r.key_type},
          {"min_key_size", r.min_key_size},
          {"ekus", r.ekus},
          {"validity_days", r.validity_days},
          {"expires_at", IsoTime(r.expires_at)}};
}

nlohmann::json EventJson(const store::OutboxEvent& e) {
  nlohmann::json j = {{"id", e.id},
                      {"type", e.type},
                      {"request_id", e.request_id},
                      {"created_at", IsoTime(e.created_at)},
                      {"state", e.state},
                      {"attempts", e.attempts},
                      {"last_error", e.last_error}};
  if (e.state == "pending") j["next_attempt_at"] = IsoTime(e.next_attempt_at);
  if (e.state == "delivered") j["delivered_at"] = IsoTime(e.delivered_at);
  j["data"] = Embedded(e.payload);
  return j;
}

nlohmann::json ReportRowJson(const mgmt::DeviceStatus& r) {
  nlohmann::json j = {{"device_id", r.device_id},
                      {"name", r.name},
                      {"platform", r.platform},
                      {"owner", r.owner},
                      {"status", mgmt::DeploymentStatusName(r.status)},
                      {"last_request", nullptr},
                      {"last_request_id", nullptr},
                      {"last_state", nullptr},
                      {"reason", nullptr},
                      {"serial", nullptr},
                      {"expires", nullptr}};
  if (r.last_request) {
    j["last_request"] = IsoTime(r.last_request->created_at);
    j["last_request_id"] = r.last_request->id;
    j["last_state"] = r.last_request->state;
    j["reason"] = r.last_request->reason;
  }
  if (r.certificate) {
    j["serial"] = r.certificate->serial;
    j["expires"] = IsoTime(r.certificate->not_after);
  }
  return j;
}

nlohmann::json TokenJson(const store::TokenRecord& t, int64_t now) {
  nlohmann::json j = {{"id", t.id},
                      {"name", t.name},
                      {"role", t.role},
                      {"created_at", IsoTime(t.created_at)},
                      {"revoked", t.revoked}};
  if (t.revoked) j["revoked_at"] = IsoTime(t.revoked_at);
  if (t.expires_at != 0) j["expires_at"] = IsoTime(t.expires_at);
  j["expired"] = mgmt::TokenExpired(t, now);
  return j;
}

nlohmann::json AuditJson(const store::AuditRecord& a) {
  return {{"id", a.id},           {"time", IsoTime(a.at)}, {"actor", a.actor},
          {"action", a.action},   {"target", a.target},    {"args", Embedded(a.args)},
          {"outcome", a.outcome}, {"detail", a.detail}};
}

nlohmann::json CaCertJson(const X509& cert) {
  nlohmann::json j;
  j["subject"] = NameToString(*X509_get_subject_name(&cert));
  j["issuer"] = NameToString(*X509_get_issuer_name(&cert));
  j["serial"] = SerialHex(*X509_get0_serialNumber(&cert));
  auto nb = AsnTimeToUnix(*X509_get0_notBefore(&cert));
  auto na = AsnTimeToUnix(*X509_get0_notAfter(&cert));
  j["not_before"] = nb ? IsoTime(*nb) : "";
  j["not_after"] = na ? IsoTime(*na) : "";
  if (auto der = CertToDer(cert)) {
    if (auto d = Digest("SHA256", *der)) j["sha256"] = HexColons(*d);
    if (auto d = Digest("SHA1", *der)) j["sha1"] = HexColons(*d);
  }
  if (const EVP_PKEY* key = X509_get0_pubkey(&cert))
    j["key"] = std::string(ca::IsRsa(*key) ? "rsa:" : "ec:") + std::to_string(ca::KeyBits(*key));
  return j;
}

}  // namespace scepgate::views
