#include "scep/ocsp_responder.h"

#include <spdlog/spdlog.h>

#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"

namespace scepgate::scep {
namespace {

using Status = ca::OcspAnswer::Status;

OcspReply ErrorReply(ca::OcspError error, std::string outcome) {
  return {ca::OcspErrorResponse(error), false, 0, 0, std::move(outcome)};
}

const char* StatusName(Status s) {
  switch (s) {
    case Status::kGood:
      return "good";
    case Status::kRevoked:
      return "revoked";
    case Status::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace

OcspResponder::OcspResponder(const CaState& cas, store::CertificateStore& store, const Clock& clock,
                             Random& random, OcspOptions options, store::IssuerStore* issuers)
    : cas_(cas),
      store_(store),
      issuers_(issuers),
      clock_(clock),
      random_(random),
      options_(options) {
  for (const auto& ca : cas_.all()) {
    if (!ca->issuer->can_sign()) continue;  // its key holders answer for it
    auto hashes = ca::OcspHashesOf(ca->issuer->cert());
    if (!hashes) {
      spdlog::error("OCSP: cannot hash issuing CA {}: {}", ca->id, hashes.error().message);
      continue;
    }
    known_.push_back({ca.get(), std::move(*hashes), false});
  }
  const IssuingCa* root = cas_.root_ca();
  if (issuers_ != nullptr && root != nullptr && root->issuer->can_sign()) {
    auto hashes = ca::OcspHashesOf(root->issuer->cert());
    if (hashes) known_.push_back({root, std::move(*hashes), true});
  }
}

scepgate::Status OcspResponder::ReadStatus(const Known& known,
                                           std::vector<ca::OcspAnswer>& answers) {
  if (known.root) {
    // The root's certificates: the issuing CAs of the registry, by serial.
    SG_ASSIGN_OR_RETURN(auto registry, issuers_->ListIssuers());
    for (const store::IssuerRecord& r : registry) {
      auto cert = CertFromDer(r.cert_der);
      if (!cert || !ca::IsIssuedBy(**cert, known.ca->issuer->cert())) continue;
      const std::string serial = SerialHex(*X509_get0_serialNumber(cert->get()));
      for (ca::OcspAnswer& a : answers) {
        if (a.id->serial_hex != serial) continue;
        a.status = r.revoked_at > 0 ? Status::kRevoked : Status::kGood;
        a.revoked_at = r.revoked_at;
        a.reason = r.revoked_at > 0 ? r.revocation_reason : -1;
      }
    }
    return {};
  }
  for (ca::OcspAnswer& a : answers) {
    SG_ASSIGN_OR_RETURN(auto found, store_.FindCertificate(a.id->serial_hex));
    if (!found || found->issuer_id != known.ca->id) continue;  // unknown: not this CA's
    if (found->status == store::CertStatus::kRevoked) {
      a.status = Status::kRevoked;
      a.revoked_at = found->revoked_at;
      a.reason = found->revocation_reason;
    } else {
      a.status = Status::kGood;
    }
  }
  return {};
}

const OcspResponder::Known* OcspResponder::IssuerOf(const ca::OcspCertId& id) const {
  for (const Known& k : known_)
    if (ca::NamesIssuer(k.hashes, id)) return &k;
  return nullptr;
}

Result<std::shared_ptr<const OcspResponder::Signer>> OcspResponder::SignerFor(const IssuingCa& ca) {
  const int64_t now = clock_.Now();
  std::lock_guard lock(mu_);
  auto it = signers_.find(ca.id);
  if (it != signers_.end() && now < it->second->renew_at) return it->second;
  auto signer = std::make_shared<Signer>();
  if (options_.sign_with_ca) {
    signer->cert.reset(X509_dup(const_cast<X509*>(&ca.issuer->cert())));
    signer->renew_at = INT64_MAX;
  } else {
    const int64_t lifetime = int64_t{options_.responder_hours} * 3600;
    SG_ASSIGN_OR_RETURN(ca::KeySpec spec, ca::ParseKeySpec("ec:p256"));
    SG_ASSIGN_OR_RETURN(signer->key, options_.token ? options_.token->GenerateEphemeral(spec)
                                                    : ca::GenerateKey(spec));
    SG_ASSIGN_OR_RETURN(Bytes serial, ca::RandomSerial(random_));
    SG_ASSIGN_OR_RETURN(signer->cert,
                        ca.issuer->IssueOcspResponder(*signer->key, serial, now, lifetime));
    signer->renew_at = now + lifetime / 2;
    spdlog::info("OCSP: new responder certificate for issuing CA {} (serial {}{}), renewed in {} h",
                 ca.id.substr(0, 16), HexEncode(serial), options_.token ? ", key in the token" : "",
                 (signer->renew_at - now) / 3600);
  }
  if (!signer->cert) return Fail(Error::Crypto("cannot copy the CA certificate"));
  std::shared_ptr<const Signer> out = signer;
  signers_[ca.id] = out;
  return out;
}

Result<Bytes> OcspResponder::Sign(const IssuingCa& ca, std::span<const ca::OcspAnswer> answers,
                                  const std::optional<Bytes>& nonce) {
  SG_ASSIGN_OR_RETURN(auto signer, SignerFor(ca));
  const EVP_PKEY& key = signer->key ? static_cast<const EVP_PKEY&>(*signer->key) : ca.issuer->key();
  return ca::SignOcspResponse(*signer->cert, key, answers, nonce);
}

std::vector<std::pair<std::string, int64_t>> OcspResponder::ResponderCertificates() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [id, signer] : signers_) {
    if (!signer->key) continue;  // the CA signs itself
    auto not_after = AsnTimeToUnix(*X509_get0_notAfter(signer->cert.get()));
    if (not_after)
      out.emplace_back(NameToString(*X509_get_subject_name(signer->cert.get())), *not_after);
  }
  return out;
}

OcspReply OcspResponder::Respond(ByteView request) {
  auto info = ca::ParseOcspRequest(request);
  if (!info) return ErrorReply(ca::OcspError::kMalformedRequest, "malformedRequest");
  // One signer per response: every CertID must name the same issuing CA held here.
  const Known* known = IssuerOf(info->ids.front());
  for (const ca::OcspCertId& id : info->ids)
    if (known == nullptr || IssuerOf(id) != known)
      return ErrorReply(ca::OcspError::kUnauthorized, "unauthorized");
  const IssuingCa& ca = *known->ca;
  const int64_t now = clock_.Now();
  const int64_t validity = int64_t{options_.validity_minutes} * 60;

  std::vector<ca::OcspAnswer> answers(info->ids.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    answers[i].id = &info->ids[i];
    answers[i].this_update = now;
    answers[i].next_update = now + validity;
  }
  if (scepgate::Status read = ReadStatus(*known, answers); !read) {
    spdlog::error("OCSP: cannot read the status of {}: {}", info->ids.front().serial_hex,
                  read.error().message);
    return ErrorReply(ca::OcspError::kTryLater, "tryLater");
  }

  const bool cacheable = answers.size() == 1 && !info->nonce;
  const std::string key = ca.id + "/" + info->ids.front().serial_hex;
  if (cacheable) {
    // The status was just read: a signature over the same status, still in the first half of
    // its validity, is as good as a new one.
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    const ca::OcspAnswer& a = answers.front();
    if (it != cache_.end() && it->second.status == a.status &&
        it->second.revoked_at == a.revoked_at && it->second.reason == a.reason &&
        now < it->second.this_update + validity / 2 && it->second.der.size() > 0) {
      return {it->second.der, true, it->second.this_update, it->second.next_update,
              StatusName(a.status)};
    }
  }
  auto der = Sign(ca, answers, info->nonce);
  if (!der) {
    spdlog::error("OCSP: signing for issuing CA {} failed: {}", ca.id, der.error().message);
    return ErrorReply(ca::OcspError::kInternalError, "internalError");
  }
  std::string outcome = answers.size() == 1 ? StatusName(answers.front().status) : "several";
  if (cacheable) {
    std::lock_guard lock(mu_);
    if (cache_.size() >= options_.max_cached) cache_.clear();
    const ca::OcspAnswer& a = answers.front();
    cache_[key] = {*der, a.status, a.revoked_at, a.reason, now, now + validity};
  }
  return {std::move(*der), cacheable, now, now + validity, std::move(outcome)};
}

}  // namespace scepgate::scep
