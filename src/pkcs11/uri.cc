#include "pkcs11/uri.h"

#include <algorithm>
#include <array>

#include "common/percent.h"

namespace scepgate::pkcs11 {

namespace {

constexpr std::string_view kScheme = "pkcs11:";

// RFC 7512's path attributes that scepgate does not use: accepted, ignored.
constexpr std::array<std::string_view, 6> kOtherPathAttributes = {
    "library-description", "library-manufacturer", "library-version",
    "slot-description",    "slot-manufacturer",    "slot-id"};

Result<std::string> Decode(std::string_view name, std::string_view value) {
  auto decoded = PercentDecode(value);
  if (!decoded)
    return Fail(Error::InvalidArgument("PKCS#11 URI attribute '" + std::string(name) +
                                       "': " + decoded.error().message));
  return std::move(*decoded);
}

Status SetOnce(std::string& field, bool& seen, std::string_view name, std::string value) {
  if (seen)
    return Fail(Error::InvalidArgument("PKCS#11 URI names '" + std::string(name) + "' twice"));
  seen = true;
  field = std::move(value);
  return {};
}

void Append(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (out.size() > kScheme.size()) out += ';';
  out += name;
  out += '=';
  out += PercentEncode(value);
}

std::string Format(const Uri& uri, bool with_module) {
  std::string out(kScheme);
  Append(out, "token", uri.token);
  Append(out, "manufacturer", uri.manufacturer);
  Append(out, "serial", uri.serial);
  Append(out, "model", uri.model);
  Append(out, "object", uri.object);
  Append(out, "id", std::string_view(reinterpret_cast<const char*>(uri.id.data()), uri.id.size()));
  Append(out, "type", uri.type);
  if (with_module && !uri.module_path.empty())
    out += "?module-path=" + PercentEncode(uri.module_path);
  return out;
}

}  // namespace

Result<Uri> ParseUri(std::string_view text) {
  if (!text.starts_with(kScheme))
    return Fail(Error::InvalidArgument("not a PKCS#11 URI (it must start with 'pkcs11:')"));
  text.remove_prefix(kScheme.size());
  const size_t q = text.find('?');
  std::string_view path = text.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : text.substr(q + 1);

  Uri uri;
  std::array<bool, 7> seen{};
  while (!path.empty()) {
    const size_t semi = path.find(';');
    std::string_view pair = path.substr(0, semi);
    path = semi == std::string_view::npos ? std::string_view() : path.substr(semi + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      return Fail(Error::InvalidArgument("PKCS#11 URI attribute without a value: '" +
                                         std::string(pair) + "'"));
    std::string_view name = pair.substr(0, eq);
    SG_ASSIGN_OR_RETURN(std::string value, Decode(name, pair.substr(eq + 1)));
    if (name == "token") {
      SG_TRY_STATUS(SetOnce(uri.token, seen[0], name, std::move(value)));
    } else if (name == "manufacturer") {
      SG_TRY_STATUS(SetOnce(uri.manufacturer, seen[1], name, std::move(value)));
    } else if (name == "serial") {
      SG_TRY_STATUS(SetOnce(uri.serial, seen[2], name, std::move(value)));
    } else if (name == "model") {
      SG_TRY_STATUS(SetOnce(uri.model, seen[3], name, std::move(value)));
    } else if (name == "object") {
      SG_TRY_STATUS(SetOnce(uri.object, seen[4], name, std::move(value)));
    } else if (name == "id") {
      std::string id;
      SG_TRY_STATUS(SetOnce(id, seen[5], name, std::move(value)));
      uri.id.assign(id.begin(), id.end());
    } else if (name == "type") {
      SG_TRY_STATUS(SetOnce(uri.type, seen[6], name, std::move(value)));
    } else if (name == "pin-value") {
      return Fail(Error::InvalidArgument(
          "a PKCS#11 URI must not carry the PIN (pin-value): give it in a file or the "
          "environment"));
    } else if (std::ranges::find(kOtherPathAttributes, name) == kOtherPathAttributes.end()) {
      return Fail(
          Error::InvalidArgument("unknown PKCS#11 URI attribute '" + std::string(name) + "'"));
    }
  }
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (name == "pin-value")
      return Fail(Error::InvalidArgument(
          "a PKCS#11 URI must not carry the PIN (pin-value): give it in a file or the "
          "environment"));
    if (name == "module-path") {
      SG_ASSIGN_OR_RETURN(uri.module_path, Decode(name, raw));
    }
  }
  return uri;
}

std::string FormatUri(const Uri& uri) { return Format(uri, true); }

std::string DescribeUri(const Uri& uri) { return Format(uri, false); }

}  // namespace scepgate::pkcs11
