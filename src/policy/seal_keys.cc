#include "policy/seal_keys.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "common/files.h"
#include "common/text.h"

namespace scepgate::policy {
namespace {

constexpr size_t kKeyLen = 32;
constexpr uint64_t kMaxKeyNumber = 9999999;  // "k" + 7 digits fills an 8-character id
constexpr std::string_view kHeader =
    "# scepgate seal keys: \"<id> <base64 of 32 bytes>\" per line, the current key first\n";

Error BadLine(const std::filesystem::path& file, size_t line, std::string_view what) {
  return Error::InvalidArgument(file.string() + " line " + std::to_string(line) + ": " +
                                std::string(what));
}

bool ValidKeyId(std::string_view id) {
  return !id.empty() && id.size() <= 8 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// One key line, already trimmed; the error says what is wrong (never echoing key material).
Result<SealKey> ParseLine(std::string_view line) {
  size_t gap = line.find_first_of(" \t");
  std::string_view id = line.substr(0, gap);
  std::string_view key = gap == std::string_view::npos ? "" : TrimBlanks(line.substr(gap));
  if (key.empty() || key.find_first_of(" \t") != std::string_view::npos)
    return Fail(Error::InvalidArgument("expected \"<id> <base64 of 32 bytes>\""));
  if (!ValidKeyId(id)) return Fail(Error::InvalidArgument("key id must be 1..8 of [a-z0-9]"));
  auto bytes = Base64Decode(key);
  if (!bytes || bytes->size() != kKeyLen)
    return Fail(
        Error::InvalidArgument("key of '" + std::string(id) + "' is not the base64 of 32 bytes"));
  return SealKey{std::string(id), std::move(*bytes)};
}

// All keys of the file's text, current first; possibly none.
Result<std::vector<SealKey>> ParseKeys(const std::filesystem::path& file, std::string_view text) {
  std::vector<SealKey> keys;
  std::set<std::string, std::less<>> seen;
  for (size_t number = 1; !text.empty(); ++number) {
    size_t end = text.find('\n');
    std::string_view line = TrimBlanks(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    auto key = ParseLine(line);
    if (!key) return Fail(BadLine(file, number, key.error().message));
    if (!seen.insert(key->id).second)
      return Fail(BadLine(file, number, "duplicate key id '" + key->id + "'"));
    keys.push_back(std::move(*key));
  }
  return keys;
}

// The keys of `file`, or none when it does not exist.
Result<std::vector<SealKey>> ReadKeysOrNone(const std::filesystem::path& file) {
  auto text = ReadFile(file);
  if (!text && text.error().code == ErrorCode::kNotFound) return std::vector<SealKey>();
  if (!text) return Fail(std::move(text).error());
  return ParseKeys(file, *text);
}

// "k<N+1>" for the highest "k<N>" among `keys` ("k1" when there is none).
Result<std::string> NextKeyId(const std::vector<SealKey>& keys) {
  uint64_t highest = 0;
  for (const SealKey& k : keys) {
    if (k.id.size() < 2 || k.id.front() != 'k') continue;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(k.id.data() + 1, k.id.data() + k.id.size(), n);
    if (ec == std::errc() && end == k.id.data() + k.id.size()) highest = std::max(highest, n);
  }
  if (highest >= kMaxKeyNumber) return Fail(Error::InvalidArgument("no free seal key id left"));
  return "k" + std::to_string(highest + 1);
}

std::string FormatKeys(const std::vector<SealKey>& keys) {
  std::string out(kHeader);
  for (const SealKey& k : keys) out += k.id + " " + Base64Encode(k.key) + "\n";
  return out;
}

}  // namespace

Result<std::vector<SealKey>> LoadSealKeys(const std::filesystem::path& file) {
  SG_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  SG_ASSIGN_OR_RETURN(std::vector<SealKey> keys, ParseKeys(file, text));
  if (keys.empty()) return Fail(Error::InvalidArgument(file.string() + ": holds no seal key"));
  return keys;
}

Result<std::string> RotateSealKey(const std::filesystem::path& file, Random& random, size_t keep) {
  if (keep == 0) return Fail(Error::InvalidArgument("must keep at least one seal key"));
  SG_ASSIGN_OR_RETURN(std::vector<SealKey> keys, ReadKeysOrNone(file));
  SG_ASSIGN_OR_RETURN(std::string id, NextKeyId(keys));
  SG_ASSIGN_OR_RETURN(Bytes key, random.Generate(kKeyLen));
  if (key.size() != kKeyLen) return Fail(Error::Crypto("short random output"));
  keys.insert(keys.begin(), SealKey{id, std::move(key)});
  if (keys.size() > keep) keys.resize(keep);
  SG_TRY_STATUS(WritePrivateFile(file, FormatKeys(keys)));
  return id;
}

}  // namespace scepgate::policy
