#include "scep/ocsp_responder.h"

#include <spdlog/spdlog.h>

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
                             Random& random, OcspOptions options)
    : cas_(cas), store_(store), clock_(clock), random_(random), options_(options) {
  for (const auto& ca : cas_.all()) {
    if (!ca->issuer->can_sign()) continue;  // its key holders answer for it
    auto hashes = ca::OcspHashesOf(ca->issuer->cert());
    if (!hashes) {
      spdlog::error("OCSP: cannot hash issuing CA {}: {}", ca->id, hashes.error().message);
      continue;
    }
    known_.push_back({ca.get(), std::move(*hashes)});
  }
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
    ca::OcspAnswer& a = answers[i];
    a.id = &info->ids[i];
    a.this_update = now;
    a.next_update = now + validity;
    auto found = store_.FindCertificate(a.id->serial_hex);
    if (!found) {
      spdlog::error("OCSP: cannot read certificate {}: {}", a.id->serial_hex,
                    found.error().message);
      return ErrorReply(ca::OcspError::kTryLater, "tryLater");
    }
    if (!*found || (*found)->issuer_id != ca.id) continue;  // kUnknown: not one of this CA's
    const store::CertificateRecord& cert = **found;
    if (cert.status == store::CertStatus::kRevoked) {
      a.status = Status::kRevoked;
      a.revoked_at = cert.revoked_at;
      a.reason = cert.revocation_reason;
    } else {
      a.status = Status::kGood;
    }
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
