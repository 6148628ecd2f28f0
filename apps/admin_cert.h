// The admin listener's TLS certificate ([admin] tls_cert / tls_key), issued by the data dir's
// own issuing CA so that clients trusting ca/root.crt reach the REST API without a warning.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/ossl.h"
#include "common/random.h"
#include "scep/ca_state.h"

namespace scepgate::app {

// The names a certificate gets when none are given: localhost, 127.0.0.1, ::1 and this host's
// name. Thread-safe.
std::vector<std::string> DefaultAdminNames();

// Checks names for IssueAdminCert before anything is written: kInvalidArgument naming the first
// that is neither a host name nor an IP address. An empty list is fine (the defaults apply).
// Thread-safe.
Status CheckAdminNames(const std::vector<std::string>& names);

// Issues a TLS server certificate (EC P-256 key, EKU serverAuth, one year) for `names` (host
// names, or IPv4/IPv6 addresses) with the current issuing CA of `cas` and writes the key
// (0600) and the chain (the certificate, the issuing CA and any CAs up to the root) where
// `config` [admin] tls_key / tls_cert say, relative to `dir`, replacing what is there.
// Returns kInvalidArgument for an empty list or a name that is neither a host name nor an
// address, kFailedPrecondition when this node does not hold the issuing CA's key, kIo / kCrypto /
// kDatabase otherwise. Not thread-safe with another issue into the same dir.
Result<X509Ptr> IssueAdminCert(const std::filesystem::path& dir, const Config& config,
                               const scep::CaState& cas, const std::vector<std::string>& names,
                               int64_t now, Random& random);

}  // namespace scepgate::app
