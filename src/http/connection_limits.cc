#include "http/connection_limits.h"

#include <utility>

namespace scepgate::http {

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), address_(std::move(other.address_)) {}

ConnectionSlot::~ConnectionSlot() {
  if (limits_ != nullptr) limits_->Release(address_);
}

std::optional<ConnectionSlot> ConnectionLimits::Admit(const std::string& address,
                                                      bool per_address_cap) {
  std::lock_guard lock(mu_);
  if (total_ != 0 && open_ >= total_) return std::nullopt;
  size_t& mine = by_addr_[address];  // a new entry is 0 and is kept only when admitted below
  if (per_address_cap && per_address_ != 0 && mine >= per_address_) return std::nullopt;
  ++mine;
  ++open_;
  return ConnectionSlot(this, address);
}

size_t ConnectionLimits::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

size_t ConnectionLimits::open_from(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = by_addr_.find(address);
  return it == by_addr_.end() ? 0 : it->second;
}

void ConnectionLimits::Release(const std::string& address) {
  std::lock_guard lock(mu_);
  --open_;
  auto it = by_addr_.find(address);
  if (it != by_addr_.end() && --it->second == 0) by_addr_.erase(it);
}

}  // namespace scepgate::http
