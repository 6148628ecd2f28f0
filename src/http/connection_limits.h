// Caps on open connections, in total and per remote address, so that one client (or a crowd)
// cannot take every file descriptor or all the memory the server has.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace scepgate::http {

class ConnectionLimits;

// One admitted connection; it gives its place back when destroyed. Move-only.
class ConnectionSlot {
 public:
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

 private:
  friend class ConnectionLimits;
  ConnectionSlot(ConnectionLimits* limits, std::string address)
      : limits_(limits), address_(std::move(address)) {}
  ConnectionLimits* limits_;  // null once moved from
  std::string address_;
};

// Thread-safe. Must outlive every slot it hands out.
class ConnectionLimits {
 public:
  // `total` and `per_address`: 0 means no cap.
  ConnectionLimits(size_t total, size_t per_address) : total_(total), per_address_(per_address) {}

  // A slot for a new connection from `address`, or nullopt when a cap is reached (the per-address
  // cap only when `per_address_cap`; a trusted proxy carries many clients' connections).
  std::optional<ConnectionSlot> Admit(const std::string& address, bool per_address_cap = true);
  // Open connections, in total and from `address`.
  size_t open() const;
  size_t open_from(const std::string& address) const;

 private:
  friend class ConnectionSlot;
  void Release(const std::string& address);

  const size_t total_;
  const size_t per_address_;
  mutable std::mutex mu_;
  size_t open_ = 0;                                  // guarded by mu_
  std::unordered_map<std::string, size_t> by_addr_;  // guarded by mu_; no zero entries
};

}  // namespace scepgate::http
