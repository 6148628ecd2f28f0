// One statement parameter: SQL NULL, text (sent in text format; the server converts it to the
// type it infers for $n), or bytes (sent in binary format as bytea, so zero bytes survive).
// A value type; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/ossl.h"

namespace scepgate::store::pg {

class Param {
 public:
  // Implicit on purpose, so that a call reads ExecParams(sql, {"name", int64_t{42}, bytes,
  // std::nullopt}).
  Param(std::nullopt_t) {}                              // NOLINT(google-explicit-constructor)
  Param(std::string text) : value_(std::move(text)) {}  // NOLINT
  Param(std::string_view text) : value_(std::string(text)) {}          // NOLINT
  Param(const char* text) : value_(std::string(text)) {}               // NOLINT
  Param(std::optional<std::string> text) : value_(std::move(text)) {}  // NOLINT
  Param(int64_t number) : value_(std::to_string(number)) {}            // NOLINT
  Param(int number) : value_(std::to_string(number)) {}                // NOLINT
  Param(bool flag) : value_(flag ? "true" : "false") {}                // NOLINT
  Param(const Bytes& bytes) : Param(ByteView(bytes)) {}                // NOLINT
  Param(ByteView bytes)                                                // NOLINT
      : value_(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())),
        binary_(true) {}

  static Param Null() { return Param(std::nullopt); }
  static Param Bytea(ByteView bytes) { return Param(bytes); }

  bool is_null() const { return !value_.has_value(); }
  // True for bytes: sent in binary format with type bytea.
  bool is_binary() const { return binary_; }
  // The text, or the raw bytes; empty for NULL.
  std::string_view data() const { return value_ ? std::string_view(*value_) : std::string_view(); }

 private:
  std::optional<std::string> value_;
  bool binary_ = false;
};

}  // namespace scepgate::store::pg
