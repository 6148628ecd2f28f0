#include "store/page_cursor.h"

#include <charconv>

#include "common/text.h"
#include "store/certificates.h"
#include "store/directory.h"

namespace scepgate::store {
namespace {

Error NotACursor() { return Error::InvalidArgument("not a cursor of this list"); }

// A whole number >= 0, nothing else.
bool Whole(std::string_view part, int64_t& out) {
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
  return !part.empty() && ec == std::errc() && end == part.data() + part.size() && out >= 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string SeqCursorText(int64_t created_at, int64_t seq) {
  return std::to_string(created_at) + "." + std::to_string(seq);
}

Result<SeqCursor> ParseSeqCursor(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || text.size() > 41) return Fail(NotACursor());
  SeqCursor c;
  if (!Whole(text.substr(0, dot), c.created_at) || !Whole(text.substr(dot + 1), c.seq))
    return Fail(NotACursor());
  return c;
}

Result<int64_t> ParseIdCursor(std::string_view text) {
  int64_t id = 0;
  if (text.size() > 20 || !Whole(text, id) || id == 0) return Fail(NotACursor());
  return id;
}

std::string FoldedCursorText(std::string_view name) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : AsciiLower(name)) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

Result<std::string> ParseFoldedCursor(std::string_view text) {
  // A UPN or a name is at most a few hundred bytes; 2048 hex digits is generous.
  if (text.empty() || text.size() % 2 != 0 || text.size() > 2048) return Fail(NotACursor());
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return Fail(NotACursor());
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string MemberCursorText(const GroupMember& member) {
  return std::string(MemberKindName(member.kind)) + "." + FoldedCursorText(member.id);
}

Result<GroupMember> ParseMemberCursor(std::string_view text) {
  GroupMember member;
  auto dot = text.find('.');
  std::string_view kind = text.substr(0, dot);
  if (dot == std::string_view::npos || (kind != "device" && kind != "user"))
    return Fail(NotACursor());
  member.kind = kind == "user" ? MemberKind::kUser : MemberKind::kDevice;
  auto id = ParseFoldedCursor(text.substr(dot + 1));
  if (!id) return Fail(NotACursor());
  member.id = std::move(*id);
  return member;
}

std::string CertCursorText(const CertificateRecord& cert) {
  return SeqCursorText(cert.created_at, cert.seq);
}

Result<CertCursor> ParseCertCursor(std::string_view text) { return ParseSeqCursor(text); }

}  // namespace scepgate::store
