#include "store/sqlite/records.h"

#include <string>
#include <vector>

namespace scepgate::store {

const char* const kInsertCertificateSql =
    "INSERT INTO certificates (serial, issuer_id, subject, sans, not_before, not_after, sha1,"
    " sha256, public_key_sha256, transaction_id, request_signer_sha256, template_name, der,"
    " status, revoked_at, revocation_reason, created_at, device_id, user_upn, profile,"
    " challenge_id, request_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22)";

const char* const kSelectCertificatesSql =
    "SELECT serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256,"
    " public_key_sha256, transaction_id, request_signer_sha256, template_name, der, status,"
    " revoked_at, revocation_reason, created_at, device_id, user_upn, profile, challenge_id,"
    " request_id FROM certificates";

const char* const kSelectCertificatesWithSeqSql =
    "SELECT serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256,"
    " public_key_sha256, transaction_id, request_signer_sha256, template_name, der, status,"
    " revoked_at, revocation_reason, created_at, device_id, user_upn, profile, challenge_id,"
    " request_id, rowid FROM certificates";

const char* const kInsertRequestSql =
    "INSERT INTO requests (correlation_id, transaction_id, message_type, state, fail_info, reason,"
    " signer_subject, signer_sha256, cert_serial, remote_addr, renewal, created_at, duration_us,"
    " device_id, user_upn, profile, challenge_id, stage)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

const char* const kSelectRequestsSql =
    "SELECT id, correlation_id, transaction_id, message_type, state, fail_info, reason,"
    " signer_subject, signer_sha256, cert_serial, remote_addr, renewal, created_at, duration_us,"
    " device_id, user_upn, profile, challenge_id, stage FROM requests";

namespace {

Result<CertStatus> ParseCertStatus(const std::string& name) {
  if (name == "valid") return CertStatus::kValid;
  if (name == "revoked") return CertStatus::kRevoked;
  return Fail(Error::Database("unknown certificate status '" + name + "'"));
}

}  // namespace

const char* CertStatusName(CertStatus status) {
  return status == CertStatus::kRevoked ? "revoked" : "valid";
}

Status BindCertificate(Query& q, const CertificateRecord& cert) {
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(cert.sans, "SANs"));
  q.BindText(1, cert.serial).BindText(2, cert.issuer_id).BindText(3, cert.subject);
  q.BindText(4, sans).BindInt(5, cert.not_before).BindInt(6, cert.not_after);
  q.BindText(7, cert.sha1).BindText(8, cert.sha256).BindText(9, cert.public_key_sha256);
  q.BindText(10, cert.transaction_id).BindText(11, cert.request_signer_sha256);
  q.BindText(12, cert.template_name).BindBlob(13, cert.der);
  q.BindText(14, CertStatusName(cert.status)).BindInt(15, cert.revoked_at);
  q.BindInt(16, cert.revocation_reason).BindInt(17, cert.created_at);
  q.BindText(18, cert.device_id).BindText(19, cert.user_upn).BindText(20, cert.profile);
  q.BindText(21, cert.challenge_id).BindInt(22, cert.request_id);
  return {};
}

Result<CertificateRecord> ReadCertificate(const Query& q) {
  CertificateRecord c;
  c.serial = q.Text(0);
  c.issuer_id = q.Text(1);
  c.subject = q.Text(2);
  SG_ASSIGN_OR_RETURN(c.sans, ListFromJson(q.Text(3), "SANs"));
  c.not_before = q.Int(4);
  c.not_after = q.Int(5);
  c.sha1 = q.Text(6);
  c.sha256 = q.Text(7);
  c.public_key_sha256 = q.Text(8);
  c.transaction_id = q.Text(9);
  c.request_signer_sha256 = q.Text(10);
  c.template_name = q.Text(11);
  c.der = q.Blob(12);
  SG_ASSIGN_OR_RETURN(c.status, ParseCertStatus(q.Text(13)));
  c.revoked_at = q.Int(14);
  c.revocation_reason = static_cast<int>(q.Int(15));
  c.created_at = q.Int(16);
  c.device_id = q.Text(17);
  c.user_upn = q.Text(18);
  c.profile = q.Text(19);
  c.challenge_id = q.Text(20);
  c.request_id = q.Int(21);
  return c;
}

void BindRequest(Query& q, const RequestRecord& r) {
  q.BindText(1, r.correlation_id).BindText(2, r.transaction_id).BindText(3, r.message_type);
  q.BindText(4, r.state).BindText(5, r.fail_info).BindText(6, r.reason);
  q.BindText(7, r.signer_subject).BindText(8, r.signer_sha256).BindText(9, r.cert_serial);
  q.BindText(10, r.remote_addr).BindInt(11, r.renewal ? 1 : 0).BindInt(12, r.created_at);
  q.BindInt(13, r.duration_us).BindText(14, r.device_id).BindText(15, r.user_upn);
  q.BindText(16, r.profile).BindText(17, r.challenge_id).BindText(18, r.stage);
}

RequestRecord ReadRequest(const Query& q) {
  RequestRecord r;
  r.id = q.Int(0);
  r.correlation_id = q.Text(1);
  r.transaction_id = q.Text(2);
  r.message_type = q.Text(3);
  r.state = q.Text(4);
  r.fail_info = q.Text(5);
  r.reason = q.Text(6);
  r.signer_subject = q.Text(7);
  r.signer_sha256 = q.Text(8);
  r.cert_serial = q.Text(9);
  r.remote_addr = q.Text(10);
  r.renewal = q.Int(11) != 0;
  r.created_at = q.Int(12);
  r.duration_us = q.Int(13);
  r.device_id = q.Text(14);
  r.user_upn = q.Text(15);
  r.profile = q.Text(16);
  r.challenge_id = q.Text(17);
  r.stage = q.Text(18);
  return r;
}

}  // namespace scepgate::store
