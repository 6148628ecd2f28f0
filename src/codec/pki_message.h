// The SCEP pkiMessage (RFC 8894 §3): a CMS SignedData whose content is the DER of a CMS
// EnvelopedData, with SCEP's signed attributes. Pure: bytes in, bytes out; thread-safe.
//
// Server side: ParseRequest -> OpenEnvelope -> Parse{Csr,IssuerAndSubject,IssuerAndSerial},
// then EncodeCertRep. Client side (tests, bench, agent): EncodeRequest and DecodeCertRep.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec/types.h"
#include "common/ossl.h"

namespace scepgate::codec {

// What the outer SignedData of a request says. The envelope is not opened yet.
struct PkiRequest {
  MessageType type = MessageType::kPKCSReq;
  std::string transaction_id;
  Bytes sender_nonce;
  X509Ptr signer;  // the certificate that signed the request (carried in the message); it may have
                   // been parsed without its key (see request_der.h): use `signer_key`
  EvpPkeyPtr signer_key;         // the signer's public key; null when OpenSSL cannot use it
  int digest_nid = 0;            // digest algorithm of the signer info (NID_sha1, NID_sha256, ...)
  bool signature_valid = false;  // outer signature verified with `signer`'s public key
  // Why the outer signature was not verified at all: "KeyParametersRejected: ..." for a signer
  // key too costly or unsafe to verify with (common/key_sanity.h), "SignersUnsupported: ..." for
  // more than one signer. Empty when it was verified.
  std::string signer_refusal;
  Bytes enveloped;  // DER of the inner ContentInfo (EnvelopedData)
};

// Parses a request pkiMessage and verifies its outer signature with the included signer
// certificate (no chain check: that is policy's job). A bad signature is reported through
// `signature_valid`, not as an error, so the caller can still answer with a CertRep; so is a
// signer key refused before any verification (`signer_refusal`): an RSA key with a modulus over
// 16384 bits or an exponent that is even, below 3 or not below 2^256, or an EC key with explicit
// parameters, costs no signature verification at all.
// Returns kBadRequest when the bytes are not a SignedData, carry no signer certificate, or lack
// messageType, transactionID or senderNonce, or carry an unknown messageType.
Result<PkiRequest> ParseRequest(ByteView der);

struct OpenedEnvelope {
  int cipher_nid = 0;  // the content-encryption algorithm the client used (NID_aes_256_cbc, ...)
  Bytes content;       // decrypted message content (DER)
};

// Returns the content-encryption algorithm of a DER ContentInfo(EnvelopedData) without
// decrypting it (NID_undef for an OID OpenSSL does not know; AuthEnvelopedData is reported too,
// so that OpenEnvelope can refuse AES-GCM with kBadAlg); kBadRequest when the DER is not an
// EnvelopedData.
Result<int> EnvelopeCipher(ByteView enveloped);

// Decrypts the envelope with the RA key. Returns kBadAlg when the cipher is not available (single
// DES without OpenSSL's legacy provider) or is not a block cipher we accept, kBadMessageCheck when
// the envelope is not encrypted to `ra_cert` or does not decrypt, kBadRequest when not an envelope.
Result<OpenedEnvelope> OpenEnvelope(ByteView enveloped, const X509& ra_cert,
                                    const EVP_PKEY& ra_key);

// A PKCS#10 request and its public key, decoded once.
struct ParsedCsr {
  X509ReqPtr req;  // parsed without its key (CsrFromDerWithoutKey): use `key`
  EvpPkeyPtr key;
};

// Content parsers. Each returns kBadRequest when the DER does not parse.
// ParseCsr takes `signer_key` (the key of `signer`) when the CSR carries the same
// SubjectPublicKeyInfo as `signer` (the self-signed signer of a PKCSReq) and decodes its key
// otherwise; kBadRequest too when the key is not one OpenSSL can use.
Result<ParsedCsr> ParseCsr(ByteView content, const X509* signer = nullptr,
                           const EVP_PKEY* signer_key = nullptr);
struct IssuerAndSubject {
  X509NamePtr issuer;
  X509NamePtr subject;
};
Result<IssuerAndSubject> ParseIssuerAndSubject(ByteView content);
struct IssuerAndSerial {
  X509NamePtr issuer;
  Asn1IntegerPtr serial;
};
Result<IssuerAndSerial> ParseIssuerAndSerial(ByteView content);

// Content encoders (client side). kCrypto on failure.
Result<Bytes> EncodeIssuerAndSubject(const X509_NAME& issuer, const X509_NAME& subject);
Result<Bytes> EncodeIssuerAndSerial(const X509_NAME& issuer, const ASN1_INTEGER& serial);

// A degenerate certs-only SignedData (RFC 8894 §3.4). Certificates keep their order.
struct CertsOnly {
  std::vector<X509Ptr> certs;
  std::vector<X509CrlPtr> crls;
};
// kCrypto on failure.
Result<Bytes> EncodeCertsOnly(const std::vector<const X509*>& certs,
                              const std::vector<const X509_CRL*>& crls);
// kBadRequest when the DER is not a SignedData.
Result<CertsOnly> DecodeCertsOnly(ByteView der);

// GetNextCACert reply: a SignedData over a degenerate certs-only structure holding `next`,
// signed by the current CA (`signer_cert`/`signer_key`). kCrypto on failure.
Result<Bytes> EncodeNextCaCert(const std::vector<const X509*>& next, const X509& signer_cert,
                               const EVP_PKEY& signer_key);
// Verifies the signature against `signer` and returns the certificates inside.
// kBadMessageCheck on a bad signature, kBadRequest when not the expected structure.
Result<CertsOnly> DecodeNextCaCert(ByteView der, const X509& signer);

// Everything a CertRep carries.
struct CertRepParams {
  std::string transaction_id;
  Bytes recipient_nonce;  // the request's senderNonce
  Bytes sender_nonce;     // fresh, 16 bytes
  PkiStatus status = PkiStatus::kSuccess;
  std::optional<FailInfo> fail_info;  // set for kFailure
  std::string fail_info_text;         // optional human reason for kFailure (failInfoText attribute)
  int digest_nid = NID_sha256;        // digest of our signature: the client's
  int cipher_nid = NID_aes_256_cbc;   // content encryption for kSuccess: the client's
  const X509* recipient = nullptr;    // kSuccess: encrypt to this certificate's public key
  const EVP_PKEY* recipient_key = nullptr;  // its key, when known (the certificate may have
                                            // been parsed without it)
  std::vector<const X509*> certs;           // kSuccess: issued certificate first
  std::vector<const X509_CRL*> crls;        // kSuccess reply to GetCRL
};

// Encodes a CertRep signed by the RA. FAILURE and PENDING carry no envelope (an empty eContent).
// The signature uses params.digest_nid, or SHA-256 when OpenSSL does not know that digest.
// Returns kInvalidArgument for inconsistent params (SUCCESS without recipient or without any
// certificate/CRL, FAILURE without failInfo), kBadAlg when the cipher is not available,
// kCrypto on failure.
Result<Bytes> EncodeCertRep(const CertRepParams& params, const X509& ra_cert,
                            const EVP_PKEY& ra_key);

// Client side: everything a request carries.
struct RequestParams {
  MessageType type = MessageType::kPKCSReq;
  std::string transaction_id;
  Bytes sender_nonce;  // 16 bytes
  int digest_nid = NID_sha256;
  int cipher_nid = NID_aes_256_cbc;
  Bytes content;                        // DER of the CSR / IssuerAndSubject / IssuerAndSerial
  std::vector<const X509*> recipients;  // the RA (encryption) certificate(s)
};
// Encodes a request pkiMessage signed with the client's (often self-signed) certificate.
// Returns kBadAlg for a cipher or digest OpenSSL cannot use, kInvalidArgument without
// recipients, kCrypto on failure.
Result<Bytes> EncodeRequest(const RequestParams& params, const X509& signer_cert,
                            const EVP_PKEY& signer_key);

// Client side: a decoded CertRep.
struct CertRep {
  std::string transaction_id;
  Bytes sender_nonce;
  Bytes recipient_nonce;
  PkiStatus status = PkiStatus::kFailure;
  std::optional<FailInfo> fail_info;
  std::string fail_info_text;
  X509Ptr signer;  // the RA certificate that signed it
  bool signature_valid = false;
  CertsOnly content;  // SUCCESS: decrypted with the client's key
};
// Decodes a CertRep; for SUCCESS decrypts the envelope with the client's certificate and key.
// Returns kBadRequest when not a CertRep, kBadMessageCheck when the envelope does not decrypt.
Result<CertRep> DecodeCertRep(ByteView der, const X509& recipient_cert,
                              const EVP_PKEY& recipient_key);

}  // namespace scepgate::codec
