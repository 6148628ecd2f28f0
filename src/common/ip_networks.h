// A set of IP networks in CIDR notation ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"), as the
// trusted reverse proxies of [server] trusted_proxies are given.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate {

// An address as 16 bytes (IPv4 as IPv4-mapped IPv6, so "::ffff:10.1.2.3" and "10.1.2.3" are one
// address). nullopt when `text` is not an IPv4 or IPv6 address. Thread-safe.
std::optional<std::array<uint8_t, 16>> ParseIpAddress(std::string_view text);

// Immutable once parsed; thread-safe.
class IpNetworks {
 public:
  // Parses each entry as ADDRESS or ADDRESS/PREFIX. kInvalidArgument naming the first entry that
  // is not one (bad address, prefix out of range, host bits set).
  static Result<IpNetworks> Parse(const std::vector<std::string>& entries);

  // Whether `address` (text, as ParseIpAddress reads it) lies in one of the networks; false for
  // text that is not an address.
  bool Contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    std::array<uint8_t, 16> base{};
    int prefix = 128;  // over the 16-byte form: an IPv4 /24 is 96 + 24
  };
  std::vector<Network> networks_;
};

}  // namespace scepgate
