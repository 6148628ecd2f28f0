#include "archive/tar_format.h"

#include <algorithm>
#include <cstring>

namespace scepgate::archive {
namespace {

// Field offsets and widths of the ustar header.
struct Field {
  size_t offset;
  size_t width;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChecksum{148, 8};
constexpr size_t kTypeflag = 156;
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kUname{265, 32};
constexpr Field kGname{297, 32};
constexpr Field kPrefix{345, 155};

void PutText(TarBlock& b, Field f, std::string_view text) {
  std::memcpy(b.data() + f.offset, text.data(), std::min(text.size(), f.width));
}

// Zero-padded octal in width-1 digits and a NUL. The caller checked that the value fits.
void PutOctal(TarBlock& b, Field f, uint64_t value) {
  for (size_t i = f.width - 1; i-- > 0;) {
    b[f.offset + i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  b[f.offset + f.width - 1] = '\0';
}

unsigned Checksum(std::span<const char, kTarBlock> b) {
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) {
    bool in_field = i >= kChecksum.offset && i < kChecksum.offset + kChecksum.width;
    sum += in_field ? ' ' : static_cast<unsigned char>(b[i]);
  }
  return sum;
}

// An octal number: optional leading blanks, digits, then NULs or blanks to the field's end.
Result<uint64_t> GetOctal(std::span<const char, kTarBlock> b, Field f, const char* what) {
  std::string_view text(b.data() + f.offset, f.width);
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  uint64_t value = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '7'; ++i, ++digits) {
    if (value > (UINT64_MAX >> 3)) break;
    value = value * 8 + static_cast<uint64_t>(text[i] - '0');
  }
  for (; i < text.size(); ++i)
    if (text[i] != '\0' && text[i] != ' ') digits = 0;
  if (digits == 0)
    return Fail(Error::InvalidArgument(std::string("tar header: malformed ") + what + " field"));
  return value;
}

// A NUL-terminated (or field-filling) string.
std::string GetText(std::span<const char, kTarBlock> b, Field f) {
  std::string_view text(b.data() + f.offset, f.width);
  return std::string(text.substr(0, text.find('\0')));
}

}  // namespace

bool IsSafeArchivePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  for (char c : path)
    if (c < 0x20 || c > 0x7e || c == '\\') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

Result<TarBlock> EncodeTarHeader(const TarHeader& h) {
  if (!IsSafeArchivePath(h.path))
    return Fail(Error::InvalidArgument("tar: unsafe path \"" + h.path + "\""));
  if ((h.mode & ~0777u) != 0)
    return Fail(Error::InvalidArgument("tar: " + h.path + ": mode beyond 0777"));
  if (h.type == TarType::kDirectory && h.size != 0)
    return Fail(Error::InvalidArgument("tar: " + h.path + ": a directory has no size"));
  if (h.size > kTarMaxSize)
    return Fail(Error::InvalidArgument("tar: " + h.path + ": larger than 8 GiB"));
  if (h.mtime < 0 || static_cast<uint64_t>(h.mtime) > kTarMaxSize)
    return Fail(Error::InvalidArgument("tar: " + h.path + ": mtime out of range"));
  std::string_view name = h.path;
  std::string_view prefix;
  if (name.size() > kName.width) {
    // Split at the last '/' that leaves a name of at most 100 bytes and a prefix of at most 155.
    size_t cut = std::string_view::npos;
    for (size_t i = name.size() - 1; i > 0; --i)
      if (name[i] == '/' && name.size() - i - 1 <= kName.width && i <= kPrefix.width) {
        cut = i;
        break;
      }
    if (cut == std::string_view::npos)
      return Fail(Error::InvalidArgument("tar: path too long for ustar (" +
                                         std::to_string(h.path.size()) +
                                         " bytes; at most 255 split as 155/100): " + h.path));
    prefix = name.substr(0, cut);
    name = name.substr(cut + 1);
  }
  TarBlock b{};
  PutText(b, kName, name);
  PutOctal(b, kMode, h.mode);
  PutOctal(b, kUid, 0);
  PutOctal(b, kGid, 0);
  PutOctal(b, kSize, h.size);
  PutOctal(b, kMtime, static_cast<uint64_t>(h.mtime));
  b[kTypeflag] = static_cast<char>(h.type);
  PutText(b, kMagic, std::string_view("ustar\0", 6));
  PutText(b, kVersion, "00");
  PutText(b, kUname, "root");
  PutText(b, kGname, "root");
  PutText(b, kPrefix, prefix);
  unsigned sum = Checksum(b);
  for (size_t i = 6; i-- > 0;) {
    b[kChecksum.offset + i] = static_cast<char>('0' + (sum & 7));
    sum >>= 3;
  }
  b[kChecksum.offset + 6] = '\0';
  b[kChecksum.offset + 7] = ' ';
  return b;
}

Result<TarHeader> DecodeTarHeader(std::span<const char, kTarBlock> b) {
  SG_ASSIGN_OR_RETURN(uint64_t sum, GetOctal(b, kChecksum, "checksum"));
  if (sum != Checksum(b))
    return Fail(Error::InvalidArgument("tar header: checksum mismatch (damaged archive)"));
  if (std::string_view(b.data() + kMagic.offset, 5) != "ustar")
    return Fail(Error::InvalidArgument("tar header: not a ustar archive"));
  TarHeader h;
  char type = b[kTypeflag];
  if (type == '0' || type == '\0') {
    h.type = TarType::kFile;
  } else if (type == '5') {
    h.type = TarType::kDirectory;
  } else {
    return Fail(Error::InvalidArgument(std::string("tar header: unsupported entry type '") +
                                       (type >= 0x20 && type < 0x7f ? type : '?') +
                                       "' (only files and directories)"));
  }
  const bool posix =
      std::string_view(b.data() + kMagic.offset, 6) == std::string_view("ustar\0", 6);
  std::string prefix = posix ? GetText(b, kPrefix) : std::string();
  h.path = prefix.empty() ? GetText(b, kName) : prefix + "/" + GetText(b, kName);
  if (h.type == TarType::kDirectory && !h.path.empty() && h.path.back() == '/') h.path.pop_back();
  if (!IsSafeArchivePath(h.path))
    return Fail(Error::InvalidArgument("tar header: unsafe path \"" + h.path +
                                       "\" (absolute, empty, or with . or ..)"));
  SG_ASSIGN_OR_RETURN(uint64_t mode, GetOctal(b, kMode, "mode"));
  if ((mode & ~uint64_t{0777}) != 0)
    return Fail(Error::InvalidArgument("tar header: " + h.path + ": mode beyond 0777"));
  h.mode = static_cast<unsigned>(mode);
  SG_ASSIGN_OR_RETURN(h.size, GetOctal(b, kSize, "size"));
  if (h.type == TarType::kDirectory) h.size = 0;
  SG_ASSIGN_OR_RETURN(uint64_t mtime, GetOctal(b, kMtime, "mtime"));
  h.mtime = static_cast<int64_t>(std::min(mtime, kTarMaxSize));
  return h;
}

bool IsZeroBlock(std::span<const char, kTarBlock> b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; });
}

}  // namespace scepgate::archive
