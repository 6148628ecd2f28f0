// How records look to an administrator: JSON objects (CLI --json, later the REST API) and
// one-line table rows. Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "common/ossl.h"
#include "store/store.h"

namespace scepgate::app {

nlohmann::json CertificateJson(const store::CertificateRecord& c);
nlohmann::json RequestJson(const store::RequestRecord& r);
// The directory: {id, name, platform, serial_number, owner, retired, [retired_at], created_at},
// {upn, email, sid, on_prem_dn, disabled, [disabled_at], created_at}, {name, description,
// created_at}.
nlohmann::json DeviceJson(const store::DeviceRecord& d);
nlohmann::json UserJson(const store::UserRecord& u);
nlohmann::json GroupJson(const store::GroupRecord& g);
// A SCEP profile: {name, type, subject, sans, strong_mapping, purpose, ekus, key_type,
// min_key_size, hash, validity_days, renewal_threshold, urls, trusted_ca, require_approval,
// created_at, updated_at}; SANs as stored ("dns:FORMAT", ...).
nlohmann::json ProfileJson(const store::ProfileRecord& p);
// JSON description of a CA certificate (subject, serial, validity, fingerprints, key).
nlohmann::json CaCertJson(const X509& cert);
// "2026-11-21T23:49:45Z"
std::string IsoTime(int64_t unix_seconds);

}  // namespace scepgate::app
