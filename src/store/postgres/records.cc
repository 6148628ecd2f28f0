#include "store/postgres/records.h"

#include <string>

#include "store/json_lists.h"

namespace scepgate::store::pg {

const char* CertStatusName(CertStatus status) {
  return status == CertStatus::kRevoked ? "revoked" : "valid";
}

Result<std::vector<Param>> CertificateParams(const CertificateRecord& c) {
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(c.sans, "SANs"));
  return std::vector<Param>{c.serial,
                            c.issuer_id,
                            c.subject,
                            sans,
                            c.not_before,
                            c.not_after,
                            c.sha1,
                            c.sha256,
                            c.public_key_sha256,
                            c.transaction_id,
                            c.request_signer_sha256,
                            c.template_name,
                            c.der,
                            CertStatusName(c.status),
                            c.revoked_at,
                            c.revocation_reason,
                            c.created_at,
                            c.device_id,
                            c.user_upn,
                            c.profile,
                            c.challenge_id,
                            c.request_id};
}

CertificateRecord ReadCertificate(RowReader& in) {
  CertificateRecord c;
  c.serial = in.Text();
  c.issuer_id = in.Text();
  c.subject = in.Text();
  c.sans = in.JsonList("SANs");
  c.not_before = in.Int();
  c.not_after = in.Int();
  c.sha1 = in.Text();
  c.sha256 = in.Text();
  c.public_key_sha256 = in.Text();
  c.transaction_id = in.Text();
  c.request_signer_sha256 = in.Text();
  c.template_name = in.Text();
  c.der = in.Bytea();
  std::string status = in.Text();
  if (status == "revoked") {
    c.status = CertStatus::kRevoked;
  } else if (status != "valid") {
    in.Reject(Error::Database("unknown certificate status '" + status + "'"));
  }
  c.revoked_at = in.Int();
  c.revocation_reason = static_cast<int>(in.Int());
  c.created_at = in.Int();
  c.device_id = in.Text();
  c.user_upn = in.Text();
  c.profile = in.Text();
  c.challenge_id = in.Text();
  c.request_id = in.Int();
  return c;
}

std::vector<Param> RequestParams(const RequestRecord& r) {
  return {r.correlation_id, r.transaction_id, r.message_type,  r.state,       r.fail_info,
          r.reason,         r.signer_subject, r.signer_sha256, r.cert_serial, r.remote_addr,
          r.renewal,        r.created_at,     r.duration_us,   r.device_id,   r.user_upn,
          r.profile,        r.challenge_id,   r.stage};
}

RequestRecord ReadRequest(RowReader& in) {
  RequestRecord r;
  r.id = in.Int();
  r.correlation_id = in.Text();
  r.transaction_id = in.Text();
  r.message_type = in.Text();
  r.state = in.Text();
  r.fail_info = in.Text();
  r.reason = in.Text();
  r.signer_subject = in.Text();
  r.signer_sha256 = in.Text();
  r.cert_serial = in.Text();
  r.remote_addr = in.Text();
  r.renewal = in.Bool();
  r.created_at = in.Int();
  r.duration_us = in.Int();
  r.device_id = in.Text();
  r.user_upn = in.Text();
  r.profile = in.Text();
  r.challenge_id = in.Text();
  r.stage = in.Text();
  return r;
}

OutboxEvent ReadEvent(RowReader& in) {
  OutboxEvent e;
  e.id = in.Int();
  e.type = in.Text();
  e.payload = in.Text();
  e.request_id = in.Int();
  e.created_at = in.Int();
  e.state = in.Text();
  e.attempts = static_cast<int>(in.Int());
  e.next_attempt_at = in.Int();
  e.delivered_at = in.Int();
  e.last_error = in.Text();
  return e;
}

}  // namespace scepgate::store::pg
