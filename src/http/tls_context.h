// The TLS side of a listener: a server context built from PEM files, TLS 1.2 and later only, with
// forward-secret AEAD cipher suites, and optionally client certificates verified against a CA
// bundle.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "common/error.h"
#include "http/tls_options.h"

namespace scepgate::http {

// Builds a server context from `options`. Returns kNotFound / kIo for a file that cannot be read,
// kFailedPrecondition for a key file its group or others may read, kInvalidArgument naming the
// file for PEM that does not parse, a key that does not match the certificate, or
// require_client_cert without client_ca_file. Thread-safe; the context is immutable afterwards
// and may be shared by every connection.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsOptions& options);

// The DER of the certificate the peer of `ssl` presented and the context verified; "" when there
// is none. Thread-safe for distinct connections.
std::string VerifiedPeerCertificate(SSL* ssl);

}  // namespace scepgate::http
