#include "common/ip_networks.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace scepgate {
namespace {

constexpr int kMappedPrefix = 96;  // ::ffff:0:0/96 holds every IPv4 address

bool InPrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& base, int prefix) {
  int full = prefix / 8;
  if (std::memcmp(a.data(), base.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[static_cast<size_t>(full)] & mask) == (base[static_cast<size_t>(full)] & mask);
}

}  // namespace

std::optional<std::array<uint8_t, 16>> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  std::array<uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xFF;
    out[11] = 0xFF;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
  return std::nullopt;
}

Result<IpNetworks> IpNetworks::Parse(const std::vector<std::string>& entries) {
  IpNetworks set;
  for (const auto& entry : entries) {
    auto bad = [&](std::string_view why) {
      return Fail(Error::InvalidArgument("'" + entry + "' is not a network: " + std::string(why)));
    };
    auto slash = entry.find('/');
    std::string_view addr = std::string_view(entry).substr(0, slash);
    auto base = ParseIpAddress(addr);
    if (!base) return bad("not an IPv4 or IPv6 address");
    bool v4 = addr.find(':') == std::string_view::npos;
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      std::string_view p = std::string_view(entry).substr(slash + 1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
      if (p.empty() || ec != std::errc() || end != p.data() + p.size() || prefix < 0 ||
          prefix > max)
        return bad("the prefix length must be 0 to " + std::to_string(max));
    }
    Network n{*base, v4 ? kMappedPrefix + prefix : prefix};
    std::array<uint8_t, 16> masked{};
    for (int bit = 0; bit < n.prefix; ++bit) {
      auto byte = static_cast<size_t>(bit / 8);
      auto m = static_cast<uint8_t>(0x80 >> (bit % 8));
      masked[byte] = static_cast<uint8_t>(masked[byte] | (n.base[byte] & m));
    }
    if (masked != n.base) return bad("bits are set after the prefix");
    set.networks_.push_back(n);
  }
  return set;
}

bool IpNetworks::Contains(std::string_view address) const {
  auto a = ParseIpAddress(address);
  if (!a) return false;
  for (const auto& n : networks_)
    if (InPrefix(*a, n.base, n.prefix)) return true;
  return false;
}

}  // namespace scepgate
