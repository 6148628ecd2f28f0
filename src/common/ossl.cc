#include "common/ossl.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>

#include <algorithm>
#include <ctime>

#include "common/hex_digit.h"
#include "common/public_key.h"

namespace scepgate {

std::string DrainOpenSslErrors() {
  std::string out;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Error CryptoError(std::string_view what) {
  std::string detail = DrainOpenSslErrors();
  std::string msg(what);
  if (!detail.empty()) msg += ": " + detail;
  return Error::Crypto(std::move(msg));
}

Bytes BioBytes(BIO& bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(&bio, &mem);
  if (mem == nullptr || mem->data == nullptr) return {};
  return Bytes(reinterpret_cast<uint8_t*>(mem->data),
               reinterpret_cast<uint8_t*>(mem->data) + mem->length);
}

namespace {

BioPtr MemBio(std::string_view s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

template <class T, class F>
Result<Bytes> ToDer(const T& obj, F i2d) {
  int len = i2d(const_cast<T*>(&obj), nullptr);
  if (len <= 0) return Fail(CryptoError("DER encoding failed"));
  Bytes out(static_cast<size_t>(len));
  uint8_t* p = out.data();
  i2d(const_cast<T*>(&obj), &p);
  return out;
}

template <class T, class F>
Result<std::string> ToPem(const T& obj, F write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get(), const_cast<T*>(&obj)) != 1)
    return Fail(CryptoError("PEM encoding failed"));
  return AsString(BioBytes(*bio));
}

}  // namespace

Result<X509Ptr> CertFromDer(ByteView der) {
  const uint8_t* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a DER certificate"));
  }
  return cert;
}

Result<X509Ptr> CertFromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a PEM certificate"));
  }
  return cert;
}

Result<Bytes> CertToDer(const X509& cert) { return ToDer(cert, i2d_X509); }
Result<std::string> CertToPem(const X509& cert) { return ToPem(cert, PEM_write_bio_X509); }
X509Ptr CertDup(const X509& cert) {
  X509_up_ref(const_cast<X509*>(&cert));
  return X509Ptr(const_cast<X509*>(&cert));
}

Result<std::string> CsrToPem(const X509_REQ& csr) { return ToPem(csr, PEM_write_bio_X509_REQ); }

Result<X509ReqPtr> CsrFromDer(ByteView der) {
  const uint8_t* p = der.data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a DER PKCS#10 request"));
  }
  return req;
}

namespace {

// A library context with only the null provider: the public key inside a structure parsed in it
// is left encoded (no decoder is found), and nothing else in the structure needs a provider.
OSSL_LIB_CTX* KeylessContext() {
  static OSSL_LIB_CTX* const ctx = [] {
    OSSL_LIB_CTX* c = OSSL_LIB_CTX_new();
    if (c != nullptr && OSSL_PROVIDER_load(c, "null") == nullptr) {
      OSSL_LIB_CTX_free(c);
      c = nullptr;
    }
    return c;
  }();
  return ctx;
}

}  // namespace

Bytes SpkiDer(const X509_PUBKEY* spki) {
  if (spki == nullptr) return {};
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(spki, &der);
  OsslStringPtr owned(reinterpret_cast<char*>(der));
  return len > 0 ? Bytes(der, der + len) : Bytes();
}

Result<X509ReqPtr> CsrFromDerWithoutKey(ByteView der) {
  OSSL_LIB_CTX* ctx = KeylessContext();
  if (ctx == nullptr) return CsrFromDer(der);  // no null provider: parse as usual
  const uint8_t* p = der.data();
  X509ReqPtr req(reinterpret_cast<X509_REQ*>(ASN1_item_d2i_ex(
      nullptr, &p, static_cast<long>(der.size()), ASN1_ITEM_rptr(X509_REQ), ctx, nullptr)));
  DrainOpenSslErrors();  // the failed key decode leaves errors behind
  if (!req) return Fail(Error::InvalidArgument("not a DER PKCS#10 request"));
  return req;
}

Result<X509Ptr> CertFromDerWithoutKey(ByteView der) {
  OSSL_LIB_CTX* ctx = KeylessContext();
  if (ctx == nullptr) return CertFromDer(der);  // no null provider: parse as usual
  const uint8_t* p = der.data();
  X509Ptr cert(reinterpret_cast<X509*>(ASN1_item_d2i_ex(nullptr, &p, static_cast<long>(der.size()),
                                                        ASN1_ITEM_rptr(X509), ctx, nullptr)));
  DrainOpenSslErrors();  // the failed key decode leaves errors behind
  if (!cert) return Fail(Error::InvalidArgument("not a DER certificate"));
  return cert;
}

Result<EvpPkeyPtr> PublicKeyOf(const X509_REQ& csr) {
  const X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(const_cast<X509_REQ*>(&csr));
  Result<EvpPkeyPtr> key = Fail(Error::BadRequest("no key"));
  if (spki != nullptr) key = PublicKeyFromSpki(*spki);
  if (!key) return Fail(Error::BadRequest("the request carries no usable public key"));
  return key;
}

bool SameSpki(const X509_REQ& csr, const X509& cert) {
  Bytes a = SpkiDer(X509_REQ_get_X509_PUBKEY(const_cast<X509_REQ*>(&csr)));
  return !a.empty() && a == SpkiDer(X509_get_X509_PUBKEY(&cert));
}

Result<X509ReqPtr> CsrFromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a PEM PKCS#10 request"));
  }
  return req;
}

Result<Bytes> CsrToDer(const X509_REQ& csr) { return ToDer(csr, i2d_X509_REQ); }

Result<X509CrlPtr> CrlFromDer(ByteView der) {
  const uint8_t* p = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a DER CRL"));
  }
  return crl;
}

Result<Bytes> CrlToDer(const X509_CRL& crl) { return ToDer(crl, i2d_X509_CRL); }
Result<std::string> CrlToPem(const X509_CRL& crl) { return ToPem(crl, PEM_write_bio_X509_CRL); }

Result<EvpPkeyPtr> KeyFromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("not a PEM private key"));
  }
  return key;
}

Result<std::string> KeyToPem(const EVP_PKEY& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return Fail(CryptoError("private key PEM encoding failed"));
  return AsString(BioBytes(*bio));
}

Result<Bytes> PublicKeyDer(const EVP_PKEY& key) {
  int len = i2d_PUBKEY(&key, nullptr);
  if (len <= 0) return Fail(CryptoError("public key encoding failed"));
  Bytes out(static_cast<size_t>(len));
  uint8_t* p = out.data();
  i2d_PUBKEY(&key, &p);
  return out;
}

Result<Bytes> Digest(std::string_view name, ByteView data) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(name).c_str());
  if (md == nullptr) return Fail(Error::BadAlg("unknown digest " + std::string(name)));
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
    return Fail(CryptoError("digest failed"));
  out.resize(len);
  return out;
}

Result<Bytes> SignData(const EVP_MD& md, const EVP_PKEY& key, ByteView data) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, &md, nullptr, const_cast<EVP_PKEY*>(&key)) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return Fail(CryptoError("cannot sign"));
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return Fail(CryptoError("cannot sign"));
  sig.resize(len);
  return sig;
}

bool VerifyData(const EVP_MD& md, const EVP_PKEY& key, ByteView data, ByteView signature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, &md, nullptr, const_cast<EVP_PKEY*>(&key)) == 1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) ==
          1;
  ERR_clear_error();
  return ok;
}

std::string HexEncode(ByteView data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string HexColons(ByteView data) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < data.size(); ++i) {
    if (i) out += ':';
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2) return Fail(Error::InvalidArgument("hex string has an odd length"));
  Bytes out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigitValue(hex[i]), lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return Fail(Error::InvalidArgument("not a hex string"));
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string Base64Encode(ByteView data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Base64UrlEncode(ByteView data) {
  std::string s = Base64Encode(data);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  s.erase(std::find(s.begin(), s.end(), '='), s.end());
  return s;
}

Result<Bytes> Base64Decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return Fail(Error::InvalidArgument("invalid base64 character"));
    clean += c;
  }
  while (!clean.empty() && clean.back() == '=') clean.pop_back();
  size_t pad = (4 - clean.size() % 4) % 4;
  if (pad == 3) return Fail(Error::InvalidArgument("invalid base64 length"));
  clean.append(pad, '=');
  if (clean.find('=') < clean.size() - pad)
    return Fail(Error::InvalidArgument("misplaced base64 padding"));
  Bytes out(clean.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return Fail(Error::InvalidArgument("invalid base64"));
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string NameToString(const X509_NAME& name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), &name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return AsString(BioBytes(*bio));
}

std::string SerialHex(const ASN1_INTEGER& serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(&serial, nullptr));
  if (!bn) return "";
  OsslStringPtr hex(BN_bn2hex(bn.get()));
  std::string s(hex.get());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t nz = s.find_first_not_of('0');
  return nz == std::string::npos ? "0" : s.substr(nz);
}

Result<int64_t> AsnTimeToUnix(const ASN1_TIME& t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(&t, &tm) != 1) return Fail(Error::InvalidArgument("unreadable ASN.1 time"));
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace scepgate
