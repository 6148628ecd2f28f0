// The agent's directory: key.pem (0600), cert.pem, chain.pem (the CA certificates), cert.p12 when
// asked (0600), and state.json (the payload without its challenge, for renew and run). Every file
// is written to a temporary name first and renamed into place only once all are written, so a
// failure leaves the previous set whole. Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/payload.h"
#include "common/ossl.h"

namespace scepgate::agent {

struct Credentials {
  EvpPkeyPtr key;
  X509Ptr cert;
  AgentPayload state;
};

// Writes the set. `chain` may hold non-CA certificates (the RA): only CA certificates are kept.
// kIo when a file cannot be written, kCrypto when PKCS#12 cannot be built.
Status WriteCredentials(const std::filesystem::path& dir, const EVP_PKEY& key, const X509& cert,
                        const std::vector<X509Ptr>& chain, const AgentPayload& state,
                        const std::optional<std::string>& p12_password);

// Reads key.pem, cert.pem and state.json. kNotFound when DIR has no enrolled certificate,
// kInvalidArgument when a file does not parse.
Result<Credentials> ReadCredentials(const std::filesystem::path& dir);

}  // namespace scepgate::agent
