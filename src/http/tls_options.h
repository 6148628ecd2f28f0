// What a listener's TLS is made of (http/tls_context.h builds it): a header without Boost or
// OpenSSL, for the server's options and the config.
#pragma once

#include <string>

namespace scepgate::http {

struct TlsOptions {
  std::string cert_file;  // PEM: the server certificate, then the CAs between it and the root
  std::string key_file;   // PEM private key of the certificate (mode 0600 or stricter)
  // PEM bundle of the CAs whose certificates clients may present; "" = no client certificates.
  // A presented certificate is verified (chain, validity); one that fails ends the handshake.
  std::string client_ca_file;
  bool require_client_cert = false;  // with client_ca_file: a client without one is refused
  // PEM CAs that help build a client's chain up to client_ca_file (the issuing CAs under a root
  // there, since clients often send their certificate alone). They are no trust anchors: a chain
  // must still end at a root of client_ca_file.
  std::string client_intermediates_pem = {};

  friend bool operator==(const TlsOptions&, const TlsOptions&) = default;
};

}  // namespace scepgate::http
