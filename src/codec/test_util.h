// Keys, certificates, CSRs and CRLs made with OpenSSL's API for the codec tests and fuzz seeds.
// Not thread-safe (the cached parties are built on first use).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ossl.h"

namespace scepgate::codec::testing {

// A fresh RSA key. Aborts the test binary on failure.
EvpPkeyPtr MakeRsaKey(int bits);

// An extension in OpenSSL's config syntax: {NID_key_usage, "critical,digitalSignature"}.
using Extension = std::pair<int, std::string>;

// A certificate for `subject_key` named CN=`cn`, signed by `issuer`/`issuer_key`, or self-signed
// when `issuer` is null, with `extensions` added in order.
X509Ptr MakeCert(const std::string& cn, const EVP_PKEY& subject_key, long serial,
                 const X509* issuer, const EVP_PKEY& issuer_key,
                 const std::vector<Extension>& extensions = {});

// A PKCS#10 request for CN=`cn` with a challengePassword, signed by `key`.
X509ReqPtr MakeCsr(const std::string& cn, const EVP_PKEY& key, const std::string& challenge);
Bytes MakeCsrDer(const std::string& cn, const EVP_PKEY& key, const std::string& challenge);

// An empty CRL issued by `issuer`.
X509CrlPtr MakeCrl(const X509& issuer, const EVP_PKEY& key);

// A name holding only CN=`cn`.
X509NamePtr MakeName(const std::string& cn);

// The parties, made once per process (their keys cached in the build directory): an RSA-2048 RA
// (self-signed, digitalSignature + keyEncipherment) and an RSA-2048 client with a self-signed
// "CN=SCEP SIGNER" certificate.
const EVP_PKEY& RaKey();
const X509& RaCert();
const EVP_PKEY& ClientKey();
const X509& ClientCert();

// 16 bytes: first, first+1, ...
Bytes Nonce(uint8_t first);
// `content` enveloped to `recipient` by CMS_encrypt in streaming mode: BER with indefinite
// lengths, as BouncyCastle-based clients send it. Empty on failure.
Bytes StreamedEnvelope(ByteView content, const X509& recipient, const EVP_CIPHER& cipher);
// `content` enveloped (AES-128-CBC) to `recipient` with RSA-OAEP key transport instead of
// PKCS #1 v1.5. Empty on failure.
Bytes OaepEnvelope(ByteView content, const X509& recipient);
// `n` bytes of a fixed, non-repeating-looking pattern (content for envelopes and signatures).
Bytes PatternBytes(size_t n);

// Returns `der` with one byte flipped in the middle of its first signer info's signature.
Bytes FlipSignatureByte(ByteView der);

// Runs a shell command and returns its standard output, or nullopt when it fails.
std::optional<std::string> RunCommand(const std::string& command);

}  // namespace scepgate::codec::testing
