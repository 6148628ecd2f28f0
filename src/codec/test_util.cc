#include "codec/test_util.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace scepgate::codec::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "test_util: %s: %s\n", what, DrainOpenSslErrors().c_str());
  std::abort();
}

void Check(bool ok, const char* what) {
  if (!ok) Die(what);
}

void AddExtension(X509& cert, const X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, const_cast<X509*>(issuer != nullptr ? issuer : &cert), &cert, nullptr,
                 nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  Check(ext != nullptr && X509_add_ext(&cert, ext.get(), -1) == 1, "add extension");
}

}  // namespace

EvpPkeyPtr MakeRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  Check(key != nullptr, "EVP_RSA_gen");
  return key;
}

X509NamePtr MakeName(const std::string& cn) {
  X509NamePtr name(X509_NAME_new());
  Check(name != nullptr && X509_NAME_add_entry_by_txt(
                               name.get(), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) == 1,
        "name");
  return name;
}

X509Ptr MakeCert(const std::string& cn, const EVP_PKEY& subject_key, long serial,
                 const X509* issuer, const EVP_PKEY& issuer_key,
                 const std::vector<Extension>& extensions) {
  X509Ptr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  X509NamePtr name = MakeName(cn);
  Check(X509_set_version(cert.get(), 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1 &&
            X509_set_subject_name(cert.get(), name.get()) == 1 &&
            X509_set_issuer_name(
                cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name.get()) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 365) != nullptr &&
            X509_set_pubkey(cert.get(), const_cast<EVP_PKEY*>(&subject_key)) == 1,
        "certificate fields");
  for (const auto& [nid, value] : extensions) AddExtension(*cert, issuer, nid, value);
  Check(X509_sign(cert.get(), const_cast<EVP_PKEY*>(&issuer_key), EVP_sha256()) > 0, "X509_sign");
  return cert;
}

X509ReqPtr MakeCsr(const std::string& cn, const EVP_PKEY& key, const std::string& challenge) {
  X509ReqPtr req(X509_REQ_new());
  X509NamePtr name = MakeName(cn);
  Check(req != nullptr && X509_REQ_set_version(req.get(), 0) == 1 &&
            X509_REQ_set_subject_name(req.get(), name.get()) == 1 &&
            X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key)) == 1 &&
            X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(challenge.c_str()),
                                      -1) == 1 &&
            X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()) > 0,
        "CSR");
  return req;
}

Bytes MakeCsrDer(const std::string& cn, const EVP_PKEY& key, const std::string& challenge) {
  X509ReqPtr req = MakeCsr(cn, key, challenge);
  auto der = CsrToDer(*req);
  Check(der.has_value(), "CSR DER");
  return *der;
}

X509CrlPtr MakeCrl(const X509& issuer, const EVP_PKEY& key) {
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr now(ASN1_TIME_new());
  Asn1TimePtr next(ASN1_TIME_new());
  Check(crl != nullptr && now != nullptr && next != nullptr &&
            X509_CRL_set_version(crl.get(), 1) == 1 &&
            X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(&issuer)) == 1 &&
            X509_gmtime_adj(now.get(), 0) != nullptr &&
            X509_gmtime_adj(next.get(), 86400) != nullptr &&
            X509_CRL_set1_lastUpdate(crl.get(), now.get()) == 1 &&
            X509_CRL_set1_nextUpdate(crl.get(), next.get()) == 1 &&
            X509_CRL_sign(crl.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()) > 0,
        "CRL");
  return crl;
}

namespace {

// RSA-2048 generation costs ~0.25 s and CTest runs every test case in its own process, so the two
// party keys are generated once and kept in the build directory (SG_TEST_KEY_DIR); written to a
// temporary name and renamed, so parallel test processes never see half a file.
EvpPkeyPtr CachedRsaKey(const std::string& name) {
#ifdef SG_TEST_KEY_DIR
  std::filesystem::path path = std::filesystem::path(SG_TEST_KEY_DIR) / (name + ".key.pem");
  std::ifstream in(path);
  std::stringstream pem;
  pem << in.rdbuf();
  if (auto key = KeyFromPem(pem.str()); key && EVP_PKEY_get_bits(key->get()) == 2048) {
    return std::move(*key);
  }
  ERR_clear_error();
  EvpPkeyPtr key = MakeRsaKey(2048);
  auto text = KeyToPem(*key);
  std::filesystem::path tmp = path;
  tmp += "." + std::to_string(getpid());
  if (text) {
    std::ofstream(tmp) << *text;
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
  }
  return key;
#else
  (void)name;
  return MakeRsaKey(2048);
#endif
}

}  // namespace

const EVP_PKEY& RaKey() {
  static EvpPkeyPtr key = CachedRsaKey("ra");
  return *key;
}

const X509& RaCert() {
  static X509Ptr cert = MakeCert("scepgate test RA", RaKey(), 1, nullptr, RaKey(),
                                 {{NID_key_usage, "critical,digitalSignature,keyEncipherment"}});
  return *cert;
}

const EVP_PKEY& ClientKey() {
  static EvpPkeyPtr key = CachedRsaKey("client");
  return *key;
}

const X509& ClientCert() {
  static X509Ptr cert = MakeCert("SCEP SIGNER", ClientKey(), 7, nullptr, ClientKey());
  return *cert;
}

Bytes StreamedEnvelope(ByteView content, const X509& recipient, const EVP_CIPHER& cipher) {
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  X509StackPtr certs(sk_X509_new_null());
  X509Ptr dup = CertDup(recipient);
  if (!in || !certs || !dup || sk_X509_push(certs.get(), dup.get()) <= 0) return {};
  (void)dup.release();  // now owned by the stack
  CmsPtr cms(CMS_encrypt(certs.get(), in.get(), &cipher, CMS_BINARY | CMS_STREAM));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!cms || !out ||
      i2d_CMS_bio_stream(out.get(), cms.get(), in.get(), CMS_BINARY | CMS_STREAM) != 1)
    return {};
  return BioBytes(*out);
}

Bytes OaepEnvelope(ByteView content, const X509& recipient) {
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  CmsPtr cms(in ? CMS_encrypt(nullptr, in.get(), EVP_aes_128_cbc(), CMS_BINARY | CMS_PARTIAL)
                : nullptr);
  CMS_RecipientInfo* ri =
      cms ? CMS_add1_recipient_cert(cms.get(), const_cast<X509*>(&recipient), CMS_KEY_PARAM)
          : nullptr;
  if (ri == nullptr ||
      EVP_PKEY_CTX_set_rsa_padding(CMS_RecipientInfo_get0_pkey_ctx(ri), RSA_PKCS1_OAEP_PADDING) <=
          0 ||
      CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1)
    return {};
  unsigned char* der = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &der);
  OsslStringPtr owned(reinterpret_cast<char*>(der));
  return len > 0 ? Bytes(der, der + len) : Bytes();
}

Bytes PatternBytes(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 31 + 7);
  return b;
}

Bytes Nonce(uint8_t first) {
  Bytes n(16);
  for (auto& b : n) b = first++;
  return n;
}

Bytes FlipSignatureByte(ByteView der) {
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  Check(cms != nullptr, "parse CMS to tamper");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
  Check(si != nullptr, "signer info to tamper");
  ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
  const unsigned char* s = ASN1_STRING_get0_data(sig);
  Bytes out(der.begin(), der.end());
  auto at = std::search(out.begin(), out.end(), s, s + ASN1_STRING_length(sig));
  Check(at != out.end(), "signature bytes in DER");
  at[ASN1_STRING_length(sig) / 2] ^= 0x01;
  return out;
}

std::optional<std::string> RunCommand(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  if (pclose(pipe.release()) != 0) return std::nullopt;
  return out;
}

}  // namespace scepgate::codec::testing
