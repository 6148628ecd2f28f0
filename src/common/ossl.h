// One RAII alias per OpenSSL handle, and the small conversions every module needs.
// All functions are thread-safe (they touch no shared state beyond OpenSSL's own).
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

template <class T, void (*F)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { F(p); }
};
template <class T, void (*F)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, F>>;

inline void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void FreeX509ExtStack(STACK_OF(X509_EXTENSION) * s) {
  sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
}
inline void FreeGeneralNames(GENERAL_NAMES* g) { GENERAL_NAMES_free(g); }
inline void FreeBio(BIO* b) { BIO_free_all(b); }
inline void FreeOpenSslString(char* s) { OPENSSL_free(s); }
inline void FreeCrlStack(STACK_OF(X509_CRL) * s) { sk_X509_CRL_pop_free(s, X509_CRL_free); }
inline void FreeAnyStack(STACK_OF(ASN1_TYPE) * s) { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
inline void FreeObjectStack(STACK_OF(ASN1_OBJECT) * s) {
  sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free);
}

using X509Ptr = OsslPtr<X509, X509_free>;
using X509ReqPtr = OsslPtr<X509_REQ, X509_REQ_free>;
using X509CrlPtr = OsslPtr<X509_CRL, X509_CRL_free>;
using X509NamePtr = OsslPtr<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = OsslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509RevokedPtr = OsslPtr<X509_REVOKED, X509_REVOKED_free>;
using X509StackPtr = OsslPtr<STACK_OF(X509), FreeX509Stack>;
using X509ExtStackPtr = OsslPtr<STACK_OF(X509_EXTENSION), FreeX509ExtStack>;
using GeneralNamesPtr = OsslPtr<GENERAL_NAMES, FreeGeneralNames>;
using EvpPkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherPtr = OsslPtr<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxPtr = OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using CmsPtr = OsslPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using BioPtr = OsslPtr<BIO, FreeBio>;
using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using Asn1IntegerPtr = OsslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1EnumeratedPtr = OsslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using Asn1TimePtr = OsslPtr<ASN1_TIME, ASN1_TIME_free>;
using Asn1ObjectPtr = OsslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = OsslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1TypePtr = OsslPtr<ASN1_TYPE, ASN1_TYPE_free>;
using OsslStringPtr = OsslPtr<char, FreeOpenSslString>;
using Asn1BitStringPtr = OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using Asn1StringPtr = OsslPtr<ASN1_STRING, ASN1_STRING_free>;
// A stack of objects, e.g. an extendedKeyUsage (EXTENDED_KEY_USAGE is this stack).
using ObjectStackPtr = OsslPtr<STACK_OF(ASN1_OBJECT), FreeObjectStack>;
using X509CrlStackPtr = OsslPtr<STACK_OF(X509_CRL), FreeCrlStack>;
using X509PubkeyPtr = OsslPtr<X509_PUBKEY, X509_PUBKEY_free>;
using GeneralNamePtr = OsslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using AuthorityKeyIdPtr = OsslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;
using BasicConstraintsPtr = OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using CrlDistPointsPtr = OsslPtr<CRL_DIST_POINTS, CRL_DIST_POINTS_free>;
using DistPointPtr = OsslPtr<DIST_POINT, DIST_POINT_free>;
using AuthorityInfoAccessPtr = OsslPtr<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free>;
using AccessDescriptionPtr = OsslPtr<ACCESS_DESCRIPTION, ACCESS_DESCRIPTION_free>;
using Pkcs7Ptr = OsslPtr<PKCS7, PKCS7_free>;
using Pkcs7IssuerAndSerialPtr = OsslPtr<PKCS7_ISSUER_AND_SERIAL, PKCS7_ISSUER_AND_SERIAL_free>;
using Pkcs12Ptr = OsslPtr<PKCS12, PKCS12_free>;
using BnCtxPtr = OsslPtr<BN_CTX, BN_CTX_free>;
using ParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using LibCtxPtr = OsslPtr<OSSL_LIB_CTX, OSSL_LIB_CTX_free>;
using EcGroupPtr = OsslPtr<EC_GROUP, EC_GROUP_free>;
// A SEQUENCE OF ANY as d2i_ASN1_SEQUENCE_ANY returns it.
using AnyStackPtr = OsslPtr<STACK_OF(ASN1_TYPE), FreeAnyStack>;
using OcspRequestPtr = OsslPtr<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspResponsePtr = OsslPtr<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicRespPtr = OsslPtr<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspCertIdPtr = OsslPtr<OCSP_CERTID, OCSP_CERTID_free>;

// Returns and clears OpenSSL's error queue as one line ("" when empty).
std::string DrainOpenSslErrors();
// Returns Error::Crypto("what: <openssl errors>").
Error CryptoError(std::string_view what);

// Returns the bytes of a memory BIO.
Bytes BioBytes(BIO& bio);

// Certificates. Each returns kInvalidArgument when the input does not parse.
Result<X509Ptr> CertFromDer(ByteView der);
Result<X509Ptr> CertFromPem(std::string_view pem);
Result<Bytes> CertToDer(const X509& cert);
Result<std::string> CertToPem(const X509& cert);
X509Ptr CertDup(const X509& cert);

// Parses a DER certificate without decoding its public key, as CsrFromDerWithoutKey does for a
// request: X509_get0_pubkey returns null on the result (and queues a decode error), and operations
// that fetch algorithms through the certificate's own library context (X509_verify, X509_digest)
// fail on it; i2d, names, serial, extensions and X509_get_X509_PUBKEY work. kInvalidArgument when
// the input does not parse.
Result<X509Ptr> CertFromDerWithoutKey(ByteView der);

Result<X509ReqPtr> CsrFromDer(ByteView der);
// Parses a DER PKCS#10 request without decoding its public key: X509_REQ_get0_pubkey returns null
// on the result, and X509_REQ_verify must be given the key and the default library context
// (X509_REQ_verify_ex(req, key, nullptr, nullptr)). OpenSSL 3.0 sets up a key decoder for every
// key it parses (about 90 us); this is for callers that already hold the key, or decode it once
// with PublicKeyOf. kInvalidArgument when the input does not parse.
Result<X509ReqPtr> CsrFromDerWithoutKey(ByteView der);
// A SubjectPublicKeyInfo as it encodes (no key decode or encoder involved); empty when `spki` is
// null or does not encode.
Bytes SpkiDer(const X509_PUBKEY* spki);
// Decodes a request's SubjectPublicKeyInfo. kBadRequest when it is not a key OpenSSL can use.
Result<EvpPkeyPtr> PublicKeyOf(const X509_REQ& csr);
// True when both carry the same SubjectPublicKeyInfo (same algorithm, parameters and key bits).
bool SameSpki(const X509_REQ& csr, const X509& cert);
Result<X509ReqPtr> CsrFromPem(std::string_view pem);
Result<Bytes> CsrToDer(const X509_REQ& csr);
Result<std::string> CsrToPem(const X509_REQ& csr);

Result<X509CrlPtr> CrlFromDer(ByteView der);
Result<Bytes> CrlToDer(const X509_CRL& crl);
Result<std::string> CrlToPem(const X509_CRL& crl);

// Private keys (PKCS#8 PEM, unencrypted). kInvalidArgument when the PEM does not parse.
Result<EvpPkeyPtr> KeyFromPem(std::string_view pem);
Result<std::string> KeyToPem(const EVP_PKEY& key);
// Returns the DER of the SubjectPublicKeyInfo.
Result<Bytes> PublicKeyDer(const EVP_PKEY& key);

// Digests. `name` is an OpenSSL digest name ("SHA1", "SHA256"). kCrypto on failure.
Result<Bytes> Digest(std::string_view name, ByteView data);
// Signs `data` with `key` over digest `md` (PKCS#1 v1.5 for RSA, ECDSA for EC). kCrypto on failure.
Result<Bytes> SignData(const EVP_MD& md, const EVP_PKEY& key, ByteView data);
// Whether `signature` is `key`'s signature of `data` over `md` (as SignData makes it).
bool VerifyData(const EVP_MD& md, const EVP_PKEY& key, ByteView data, ByteView signature);
// Lower-case hex, no separators.
std::string HexEncode(ByteView data);
// Upper-case hex with ':' between bytes (the way `openssl x509 -fingerprint` prints).
std::string HexColons(ByteView data);
// Returns kInvalidArgument on an odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);

// Standard base64 without line breaks, and its decoder, which ignores whitespace and accepts the
// URL-safe alphabet and missing padding. Decoding returns kInvalidArgument on bad input.
std::string Base64Encode(ByteView data);
// The URL-safe alphabet ('-', '_') without padding (RFC 4648 §5): printable, no quoting needed.
std::string Base64UrlEncode(ByteView data);
Result<Bytes> Base64Decode(std::string_view text);

// RFC 2253-style one-line form of a name ("CN=x,O=y"), UTF-8.
std::string NameToString(const X509_NAME& name);
// Serial as lower-case hex without leading zeros ("0" for zero).
std::string SerialHex(const ASN1_INTEGER& serial);
// Seconds since the epoch; kInvalidArgument when the time cannot be converted.
Result<int64_t> AsnTimeToUnix(const ASN1_TIME& t);

inline ByteView AsView(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string AsString(ByteView b) { return {b.begin(), b.end()}; }

}  // namespace scepgate
