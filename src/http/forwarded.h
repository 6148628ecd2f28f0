// The client address of a request that came through reverse proxies.
#pragma once

#include <string>
#include <string_view>

#include "common/ip_networks.h"

namespace scepgate::http {

// The address to record for a request from `peer` (the TCP peer) carrying `x_forwarded_for` (every
// X-Forwarded-For field joined with ","; "" when there is none). When `peer` is not a trusted proxy
// the header is the client's own word and is ignored: `peer`. Otherwise the header is read from
// the right (the hop nearest us) and the first address that is not a trusted proxy is the client;
// if every address is trusted, the leftmost one. A malformed entry stops the walk: the last
// address trusted so far (a proxy) is returned rather than text the client wrote. Thread-safe.
std::string ClientAddress(const IpNetworks& trusted, std::string_view peer,
                          std::string_view x_forwarded_for);

}  // namespace scepgate::http
