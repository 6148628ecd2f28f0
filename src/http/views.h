// How records look to an administrator as JSON: what the CLI prints with --json and what the REST
// API answers, built by the same functions so the two doors cannot drift. Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ca/revocation.h"
#include "common/ossl.h"
#include "mgmt/challenges.h"
#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "mgmt/report.h"
#include "store/store.h"

namespace scepgate::views {

nlohmann::json CertificateJson(const store::CertificateRecord& c);
nlohmann::json RequestJson(const store::RequestRecord& r);
// {revoked: [serial...], already_revoked: [...], not_found: [...]}.
nlohmann::json RevokeReportJson(const ca::RevokeReport& r);
// {retired: [id...], already_retired: [...], not_found: [...], revoked: [serial...]}.
nlohmann::json RetireReportJson(const mgmt::RetireReport& r);
// The directory: {id, name, platform, serial_number, owner, retired, [retired_at], created_at},
// {upn, email, sid, on_prem_dn, disabled, [disabled_at], created_at}, {name, description,
// created_at}.
nlohmann::json DeviceJson(const store::DeviceRecord& d);
nlohmann::json UserJson(const store::UserRecord& u);
nlohmann::json GroupJson(const store::GroupRecord& g);
// DeviceJson + {groups: [name...]}.
nlohmann::json DeviceDetailsJson(const mgmt::DeviceDetails& d);
// UserJson + {groups: [name...], devices: [id...]}.
nlohmann::json UserDetailsJson(const mgmt::UserDetails& u);
// GroupJson + {devices: count, users: count}.
nlohmann::json GroupSummaryJson(const mgmt::GroupSummary& s);
// GroupJson + {members: [{kind: "device"|"user", id}...]}.
nlohmann::json MemberJson(const store::GroupMember& m);
// {"group": Group, "member": {"kind", "id"}}: what a membership change did.
nlohmann::json MembershipJson(const mgmt::Membership& m);
// A SCEP profile: {name, type, subject, sans, strong_mapping, purpose, ekus, key_type,
// min_key_size, hash, validity_days, renewal_threshold, urls, trusted_ca, require_approval,
// created_at, updated_at}; SANs as stored ("dns:FORMAT", ...).
nlohmann::json ProfileJson(const store::ProfileRecord& p);
// ProfileJson + {groups: [name...]}.
nlohmann::json ProfileDetailsJson(const mgmt::ProfileDetails& p);
// {challenge, format, device, user, profile, subject, sans, key_type, min_key_size, ekus,
// validity_days, expires_at}: the one place the secret is shown.
nlohmann::json IssuedChallengeJson(const mgmt::IssuedChallenge& issued);
// {id, type, request_id, created_at, state, attempts, last_error, [next_attempt_at],
// [delivered_at], data}.
nlohmann::json EventJson(const store::OutboxEvent& e);
// {device_id, name, platform, owner, status, last_request, last_request_id, last_state, reason,
// serial, expires}; the request and certificate fields are null when there is none.
nlohmann::json ReportRowJson(const mgmt::DeviceStatus& r);
// {id, name, role, created_at, revoked, [revoked_at], [expires_at], expired}: never the token nor
// its hash. expires_at only when the token expires; expired is whether it has at `now`.
nlohmann::json TokenJson(const store::TokenRecord& t, int64_t now);
// {id, time, actor, action, target, args (object), outcome, detail}.
nlohmann::json AuditJson(const store::AuditRecord& a);
// The groups' names, in order.
nlohmann::json GroupNames(const std::vector<store::GroupRecord>& groups);
// JSON description of a CA certificate (subject, serial, validity, fingerprints, key).
nlohmann::json CaCertJson(const X509& cert);
// "2026-11-21T23:49:45Z"; "" for 0.
std::string IsoTime(int64_t unix_seconds);

}  // namespace scepgate::views
