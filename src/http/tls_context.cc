#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/files.h"
#include "common/ossl.h"

namespace scepgate::http {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 list: ECDHE key exchange and AEAD ciphers only. TLS 1.3 keeps
// OpenSSL's default suites, which are all of that kind.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The reason of the last OpenSSL error, and clears the queue.
std::string OpenSslReason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "OpenSSL error " + std::to_string(code);
}

Error Bad(const std::string& file, const std::string& what, const std::string& reason) {
  return Error::InvalidArgument(file + ": " + what + " (" + reason + ")");
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsOptions& options) {
  if (options.require_client_cert && options.client_ca_file.empty())
    return Fail(Error::InvalidArgument("requiring client certificates needs a client CA file"));
  // Read through the project's helpers first: a missing file or a readable key fails with the
  // same message as anywhere else, before OpenSSL sees them.
  SG_ASSIGN_OR_RETURN(std::string chain, ReadFile(options.cert_file));
  SG_ASSIGN_OR_RETURN(std::string key, ReadPrivateFile(options.key_file));

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_SINGLE_ECDH_USE | SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return Fail(Error::Crypto("cannot set the TLS cipher list: " + OpenSslReason()));

  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(chain), ec);
  if (ec) return Fail(Bad(options.cert_file, "not a PEM certificate chain", ec.message()));
  if (auto parsed = KeyFromPem(key); !parsed)
    return Fail(Bad(options.key_file, "not a PEM private key", parsed.error().message));
  ctx->use_private_key(boost::asio::buffer(key), ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(native) != 1)
    return Fail(Bad(options.key_file,
                    "the key does not match the certificate of " + options.cert_file,
                    ec ? ec.message() : OpenSslReason()));

  if (!options.client_ca_file.empty()) {
    SG_ASSIGN_OR_RETURN(std::string cas, ReadFile(options.client_ca_file));
    ctx->add_certificate_authority(boost::asio::buffer(cas), ec);
    if (ec) return Fail(Bad(options.client_ca_file, "not a PEM CA bundle", ec.message()));
    // Name the acceptable CAs in the CertificateRequest, so a client picks the right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
    if (names == nullptr)
      return Fail(Bad(options.client_ca_file, "no CA certificate in it", OpenSslReason()));
    SSL_CTX_set_client_CA_list(native, names);
    // Without X509_V_FLAG_PARTIAL_CHAIN, a certificate in the store that is not self-signed
    // helps build a chain but does not end one: the chain must still reach a root.
    if (!options.client_intermediates_pem.empty()) {
      BioPtr bio(BIO_new_mem_buf(options.client_intermediates_pem.data(),
                                 static_cast<int>(options.client_intermediates_pem.size())));
      X509_STORE* store = SSL_CTX_get_cert_store(native);
      while (X509Ptr ca = X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)))
        if (X509_STORE_add_cert(store, ca.get()) != 1) ERR_clear_error();
      ERR_clear_error();  // the end of the PEM text
    }
    ctx->set_verify_mode(
        ssl::verify_peer |
        (options.require_client_cert ? ssl::verify_fail_if_no_peer_cert : ssl::verify_none));
    // Sessions are resumed only within this context, where the same verification applies.
    static constexpr unsigned char kSessionContext[] = "scepgate";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  }
  return ctx;
}

std::string VerifiedPeerCertificate(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  auto der = CertToDer(*peer);
  return der ? std::string(der->begin(), der->end()) : "";
}

}  // namespace scepgate::http
