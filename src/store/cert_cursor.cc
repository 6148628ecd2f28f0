#include <charconv>

#include "store/certificates.h"

namespace scepgate::store {

std::string CertCursorText(const CertificateRecord& cert) {
  return std::to_string(cert.created_at) + "." + std::to_string(cert.seq);
}

Result<CertCursor> ParseCertCursor(std::string_view text) {
  auto bad = [&] { return Fail(Error::InvalidArgument("not a cursor of this list")); };
  auto dot = text.find('.');
  if (dot == std::string_view::npos || text.size() > 41) return bad();
  CertCursor c;
  auto whole = [](std::string_view part, int64_t& out) {
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return !part.empty() && ec == std::errc() && end == part.data() + part.size() && out >= 0;
  };
  if (!whole(text.substr(0, dot), c.created_at) || !whole(text.substr(dot + 1), c.seq))
    return bad();
  return c;
}

}  // namespace scepgate::store
