#include "http/forwarded.h"

#include "common/text.h"

namespace scepgate::http {
std::string ClientAddress(const IpNetworks& trusted, std::string_view peer,
                          std::string_view x_forwarded_for) {
  std::string client(peer);
  if (trusted.empty() || x_forwarded_for.empty() || !trusted.Contains(peer)) return client;
  std::string_view rest = x_forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view hop =
        TrimBlanks(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (hop.empty()) continue;
    if (!ParseIpAddress(hop)) return client;
    client = std::string(hop);
    if (!trusted.Contains(hop)) return client;
  }
  return client;
}

}  // namespace scepgate::http
