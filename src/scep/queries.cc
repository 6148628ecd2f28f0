// CertPoll, GetCert, GetCRL: answers about certificates and CRLs already in the store.
#include "scep/service.h"
#include "scep/service_internal.h"

namespace scepgate::scep {

Reply Service::CertPoll(Context& ctx) {
  auto ias = codec::ParseIssuerAndSubject(ctx.request.enveloped);
  if (!ias) return Failure(ctx, Error::BadRequest("CertPollMalformed: " + ias.error().message));
  auto earlier = store_.FindByTransaction(ctx.request.transaction_id);
  if (!earlier) return Failure(ctx, StoreError(earlier.error()));
  std::string subject = NameToString(*ias->subject);
  for (auto it = earlier->rbegin(); it != earlier->rend(); ++it) {
    if (it->subject != subject) continue;
    auto cert = CertFromDer(it->der);
    if (!cert) return Failure(ctx, Error::Internal("stored certificate unreadable"));
    ctx.record.cert_serial = it->serial;
    return Success(ctx, {cert->get()}, {}, "answered");
  }
  // Not issued (yet): a request held for approval answers by its decision.
  auto held = store_.FindPendingByTransaction(ctx.request.transaction_id);
  if (!held) return Failure(ctx, StoreError(held.error()));
  if (*held && MayCollect(ctx, **held)) {
    auto csr = codec::ParseCsr((*held)->csr);
    if (csr && NameToString(*X509_REQ_get_subject_name(csr->req.get())) == subject)
      return AnswerHeld(ctx, **held);
  }
  return Failure(
      ctx, Error::BadCertId(
               "TransactionUnknown: no certificate was issued for this transactionID and subject"));
}

Reply Service::GetCert(Context& ctx) {
  auto ias = codec::ParseIssuerAndSerial(ctx.request.enveloped);
  if (!ias) return Failure(ctx, Error::BadRequest("GetCertMalformed: " + ias.error().message));
  std::string serial = SerialHex(*ias->serial);
  auto found = store_.FindCertificate(serial);
  if (!found) return Failure(ctx, StoreError(found.error()));
  const IssuingCa* ca = *found ? cas_.FindById((*found)->issuer_id) : nullptr;
  if (!*found || ca == nullptr ||
      X509_NAME_cmp(ias->issuer.get(), X509_get_subject_name(&ca->issuer->cert())) != 0)
    return Failure(
        ctx, Error::BadCertId("CertificateUnknown: no certificate with this issuer and serial"));
  auto cert = CertFromDer((*found)->der);
  if (!cert) return Failure(ctx, Error::Internal("stored certificate unreadable"));
  ctx.record.cert_serial = serial;
  return Success(ctx, {cert->get()}, {}, "answered");
}

Reply Service::GetCrl(Context& ctx) {
  auto ias = codec::ParseIssuerAndSerial(ctx.request.enveloped);
  if (!ias) return Failure(ctx, Error::BadRequest("GetCrlMalformed: " + ias.error().message));
  // The serial names a certificate whose CRL is wanted; it picks the CA when names repeat.
  const IssuingCa* ca = nullptr;
  auto found = store_.FindCertificate(SerialHex(*ias->serial));
  if (found && *found) ca = cas_.FindById((*found)->issuer_id);
  if (ca == nullptr) ca = cas_.FindByName(*ias->issuer);
  if (ca == nullptr ||
      X509_NAME_cmp(ias->issuer.get(), X509_get_subject_name(&ca->issuer->cert())) != 0)
    return Failure(ctx, Error::BadCertId("IssuerUnknown: this gateway holds no CA with that name"));
  auto der = crls_.Get(ca->id);
  if (!der) return Failure(ctx, Error::Internal("CrlUnavailable: " + der.error().message));
  auto crl = CrlFromDer(*der);
  if (!crl) return Failure(ctx, Error::Internal("stored CRL unreadable"));
  return Success(ctx, {}, {crl->get()}, "answered");
}

}  // namespace scepgate::scep
