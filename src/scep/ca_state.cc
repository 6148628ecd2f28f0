#include "scep/ca_state.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ca/hierarchy.h"
#include "codec/pki_message.h"

namespace scepgate::scep {

std::string CertSha256(const X509& cert) {
  auto der = CertToDer(cert);
  if (!der) return "";
  auto d = Digest("SHA256", *der);
  return d ? HexEncode(*d) : "";
}

namespace {

ca::IssuerOptions OptionsFor(const Config& config, const std::string& id) {
  ca::IssuerOptions o;
  o.backdate_seconds = config.backdate_minutes * 60;
  if (!config.crl_base_url.empty()) {
    std::string base = config.crl_base_url;
    if (base.back() == '/') base.pop_back();
    o.crl_url = base + "/" + id + ".crl";
  }
  o.aia_url = config.aia_url;
  o.ocsp_url = config.ocsp_url;
  return o;
}

std::unique_ptr<IssuingCa> MakeIssuing(ca::CaKeyPair pair, const Config& config, bool current) {
  auto ca = std::make_unique<IssuingCa>();
  ca->id = CertSha256(*pair.cert);
  ca->current = current;
  ca->active = current;
  ca->issuer = std::make_unique<ca::Issuer>(std::move(pair.cert), std::move(pair.key),
                                            OptionsFor(config, ca->id));
  return ca;
}

}  // namespace

std::vector<const X509*> CaState::OtherRaCerts() const {
  std::vector<const X509*> out;
  for (const X509* c : {ra_next_.get(), ra_previous_.get()})
    if (c != nullptr) out.push_back(c);
  return out;
}

Result<std::unique_ptr<CaState>> CaState::Build(ca::CaSet set, const Config& config,
                                                std::span<const store::IssuerRecord> registry) {
  std::unique_ptr<CaState> s(new CaState());
  s->cas_.push_back(MakeIssuing(std::move(set.issuing), config, true));
  for (auto it = set.previous.rbegin(); it != set.previous.rend(); ++it)
    s->cas_.push_back(MakeIssuing(std::move(*it), config, false));
  s->ra_ = std::move(set.ra);
  s->ra_next_ = std::move(set.ra_next);
  s->ra_previous_ = std::move(set.ra_previous);
  s->root_ = std::move(set.root);
  if (s->root_) {
    X509_up_ref(s->root_.get());
    s->root_ca_ =
        MakeIssuing({X509Ptr(s->root_.get()), std::move(set.root_key), ""}, config, false);
    s->root_ca_->active = false;
  }
  s->foreign_issuers_ = s->ForeignIssuers(registry);
  const size_t held = s->cas_.size();
  for (const store::IssuerRecord& r : registry) {
    if (s->FindById(r.id) != nullptr) continue;
    auto cert = CertFromDer(r.cert_der);
    if (!cert) return Fail(cert.error().With("registered issuing CA " + r.name));
    // Only this deployment's: a database shared by mistake with another CA must not make its
    // certificates renew here.
    if (!s->root_ || !ca::IsIssuedBy(**cert, *s->root_)) {
      spdlog::warn("ignoring registered issuing CA {} ({}): not issued by this node's root", r.id,
                   r.name);
      continue;
    }
    s->cas_.push_back(MakeIssuing({std::move(*cert), nullptr, ""}, config, false));
    s->cas_.back()->active = r.active;
  }
  for (const store::IssuerRecord& r : registry) {
    if (r.revoked_at == 0) continue;
    auto it = std::ranges::find(s->cas_, r.id, &IssuingCa::id);
    if (it == s->cas_.end()) continue;
    (*it)->revoked = true;
    (*it)->active = false;
    if ((*it)->current)
      spdlog::error(
          "this node's issuing CA {} is revoked: roll over (`scepgate ca rollover`, "
          "`ca activate`) or join another issuing CA",
          r.id);
  }
  s->intermediates_ = std::move(set.intermediates);
  s->next_ = std::move(set.next.cert);

  std::vector<const X509*> certs = {s->ra_.cert.get(), &s->current().issuer->cert()};
  for (const X509Ptr& cert : s->intermediates_) certs.push_back(cert.get());
  for (size_t i = held; i < s->cas_.size(); ++i)
    if (s->cas_[i]->active) certs.push_back(&s->cas_[i]->issuer->cert());
  if (config.include_root && s->root_) certs.push_back(s->root_.get());
  SG_ASSIGN_OR_RETURN(Bytes body, codec::EncodeCertsOnly(certs, {}));
  s->ca_cert_body_ = AsString(body);

  if (s->next_) {
    std::vector<const X509*> next = {s->next_.get()};
    const ca::Issuer& cur = *s->current().issuer;
    SG_ASSIGN_OR_RETURN(Bytes nbody, codec::EncodeNextCaCert(next, cur.cert(), cur.key()));
    s->next_ca_cert_body_ = AsString(nbody);
  }
  return s;
}

std::string CaState::ForeignIssuers(std::span<const store::IssuerRecord> registry) const {
  std::string out;
  for (const store::IssuerRecord& r : registry) {
    const IssuingCa* ca = FindById(r.id);
    const bool revoked = r.revoked_at != 0;
    if (ca != nullptr && ca->issuer->can_sign() && !revoked) continue;
    out += r.id + (r.active ? "+" : "-") + (revoked ? "!" : "") + ";";
  }
  return out;
}

const IssuingCa* CaState::FindById(std::string_view id) const {
  for (const auto& ca : cas_)
    if (ca->id == id) return ca.get();
  return nullptr;
}

const IssuingCa* CaState::FindIssuerOf(const X509& cert) const {
  for (const auto& ca : cas_) {
    const X509& ca_cert = ca->issuer->cert();
    if (X509_NAME_cmp(X509_get_issuer_name(&cert), X509_get_subject_name(&ca_cert)) != 0) continue;
    EVP_PKEY* pub = X509_get0_pubkey(&ca_cert);
    if (pub == nullptr) continue;
    if (X509_verify(const_cast<X509*>(&cert), pub) == 1) return ca.get();
    // A certificate parsed without its key (codec/request_der.h) cannot fetch the signature
    // algorithm through its own library context: verify a fully parsed copy.
    if (auto der = CertToDer(cert)) {
      auto full = CertFromDer(*der);
      if (full && X509_verify(full->get(), pub) == 1) return ca.get();
    }
  }
  DrainOpenSslErrors();
  return nullptr;
}

const IssuingCa* CaState::FindByName(const X509_NAME& name) const {
  for (const auto& ca : cas_)
    if (X509_NAME_cmp(&name, X509_get_subject_name(&ca->issuer->cert())) == 0) return ca.get();
  return nullptr;
}

}  // namespace scepgate::scep
