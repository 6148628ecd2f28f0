#include "policy/sealed_challenge.h"

#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/asn1_text.h"
#include "common/utf8.h"

namespace scepgate::policy {
namespace {

constexpr size_t kNonceLen = 12;
constexpr size_t kIdTailLen = 4;
constexpr size_t kTagLen = 16;
constexpr size_t kKeyLen = 32;
constexpr size_t kDigestLen = 16;
constexpr size_t kMaxOidContent = 127;
constexpr uint8_t kLayoutVersion = 1;
constexpr uint16_t kDefinedKeyUsage = 0x80ff;  // KU_DIGITAL_SIGNATURE..KU_ENCIPHER_ONLY, DECIPHER
constexpr std::string_view kAadContext = "scepgate sealed challenge v1";
constexpr std::array<std::string_view, 2> kKeyTypes = {"rsa", "ec"};
constexpr std::array<std::string_view, 3> kPurposes = {"signature", "encryption", "general"};
constexpr std::string_view kMalformed = "sealed challenge is malformed";
constexpr std::string_view kNotAuthentic = "sealed challenge is not authentic";

Error Malformed() { return Error::InvalidArgument(std::string(kMalformed)); }
Error BadClaim(std::string_view what) {
  return Error::InvalidArgument("sealed claims: " + std::string(what));
}

// Big-endian writer of the plaintext layout.
class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { Uint(v, 2); }
  void I64(int64_t v) { Uint(static_cast<uint64_t>(v), 8); }
  void Raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // A length byte then the bytes; the caller has checked size <= 255.
  void Short(ByteView b) {
    U8(static_cast<uint8_t>(b.size()));
    Raw(b);
  }
  Bytes Take() { return std::move(out_); }

 private:
  void Uint(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

// Big-endian reader; a read past the end yields zeros and clears ok().
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  uint8_t U8() { return static_cast<uint8_t>(Uint(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Uint(2)); }
  int64_t I64() { return static_cast<int64_t>(Uint(8)); }
  ByteView Raw(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    pos_ += n;
    return in_.subspan(pos_ - n, n);
  }
  ByteView Short() { return Raw(U8()); }

 private:
  uint64_t Uint(size_t n) {
    uint64_t v = 0;
    for (uint8_t b : Raw(n)) v = (v << 8) | b;
    return v;
  }
  ByteView in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

template <size_t N>
std::optional<uint8_t> CodeOf(const std::array<std::string_view, N>& names, std::string_view s) {
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) return std::nullopt;
  return static_cast<uint8_t>(it - names.begin() + 1);
}

template <size_t N>
std::string NameOf(const std::array<std::string_view, N>& names, uint8_t code) {
  return code >= 1 && code <= N ? std::string(names[code - 1]) : std::string();
}

bool IsKeyIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool ValidKeyId(std::string_view id) {
  return !id.empty() && id.size() <= 8 && std::all_of(id.begin(), id.end(), IsKeyIdChar);
}

// A lower-case UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as its 16 bytes.
Result<Bytes> UuidBytes(std::string_view uuid) {
  if (uuid.size() != 36) return Fail(BadClaim("device_id is not a 36-character UUID"));
  std::string hex;
  for (size_t i = 0; i < uuid.size(); ++i) {
    char c = uuid[i];
    bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex_digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (dash_here ? c != '-' : !hex_digit)
      return Fail(BadClaim("device_id is not a lower-case UUID"));
    if (!dash_here) hex += c;
  }
  return HexDecode(hex);
}

std::string UuidText(ByteView bytes) {
  if (bytes.size() != 16) return {};
  std::string hex = HexEncode(bytes);
  for (size_t at : {8, 13, 18, 23}) hex.insert(at, 1, '-');
  return hex;
}

// The DER content bytes of a canonical dotted OID.
Result<Bytes> OidContent(const std::string& dotted) {
  Asn1ObjectPtr obj(OBJ_txt2obj(dotted.c_str(), 1));
  DrainOpenSslErrors();
  if (!obj || OBJ_length(obj.get()) == 0 || OidText(*obj) != dotted)
    return Fail(BadClaim("EKU '" + dotted + "' is not a canonical dotted OID"));
  if (OBJ_length(obj.get()) > kMaxOidContent)
    return Fail(BadClaim("EKU '" + dotted + "' too long"));
  const unsigned char* data = OBJ_get0_data(obj.get());
  return Bytes(data, data + OBJ_length(obj.get()));
}

// The dotted form of DER OID content bytes, or "" when they are not a valid OID.
std::string OidFromContent(ByteView content) {
  if (content.empty() || content.size() > kMaxOidContent) return {};
  Bytes der = {V_ASN1_OBJECT, static_cast<uint8_t>(content.size())};
  der.insert(der.end(), content.begin(), content.end());
  const unsigned char* p = der.data();
  Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
  DrainOpenSslErrors();
  return obj ? OidText(*obj) : std::string();
}

Status CheckScalars(const SealedClaims& c) {
  if (c.profile.empty() || c.profile.size() > 255 || !IsValidUtf8(c.profile))
    return Fail(BadClaim("profile must be 1..255 bytes of UTF-8"));
  if ((c.key_usage & ~kDefinedKeyUsage) != 0) return Fail(BadClaim("key_usage has undefined bits"));
  if (!CodeOf(kKeyTypes, c.key_type)) return Fail(BadClaim("key_type must be rsa or ec"));
  if (!CodeOf(kPurposes, c.purpose))
    return Fail(BadClaim("purpose must be signature, encryption or general"));
  if (c.min_key_size < 0 || c.min_key_size > 65535)
    return Fail(BadClaim("min_key_size must be 0..65535"));
  if (c.validity_days < 1 || c.validity_days > 65535)
    return Fail(BadClaim("validity_days must be 1..65535"));
  if (c.subject_digest.size() != kDigestLen || c.sans_digest.size() != kDigestLen)
    return Fail(BadClaim("subject_digest and sans_digest must be 16 bytes each"));
  if (c.ekus.size() > 255) return Fail(BadClaim("more than 255 EKUs"));
  return {};
}

// The plaintext layout (see the header); kInvalidArgument naming the first out-of-range claim.
Result<Bytes> EncodeClaims(const SealedClaims& c, ByteView id_tail) {
  SG_TRY_STATUS(CheckScalars(c));
  SG_ASSIGN_OR_RETURN(Bytes uuid, UuidBytes(c.device_id));
  Writer w;
  w.U8(kLayoutVersion);
  w.Raw(id_tail);
  w.I64(c.expires_at);
  w.Raw(uuid);
  w.U16(c.key_usage);
  w.U8(*CodeOf(kKeyTypes, c.key_type));
  w.U8(*CodeOf(kPurposes, c.purpose));
  w.U16(static_cast<uint16_t>(c.min_key_size));
  w.U16(static_cast<uint16_t>(c.validity_days));
  w.Raw(c.subject_digest);
  w.Raw(c.sans_digest);
  w.Short(AsView(c.profile));
  w.U8(static_cast<uint8_t>(c.ekus.size()));
  for (const std::string& eku : c.ekus) {
    SG_ASSIGN_OR_RETURN(Bytes content, OidContent(eku));
    w.Short(content);
  }
  return w.Take();
}

// Reads the layout back; the caller re-encodes to check it is canonical. nullopt when truncated.
std::optional<SealedClaims> DecodeClaims(ByteView plain, Bytes& id_tail) {
  Reader r(plain);
  SealedClaims c;
  if (r.U8() != kLayoutVersion) return std::nullopt;
  ByteView tail = r.Raw(kIdTailLen);
  id_tail.assign(tail.begin(), tail.end());
  c.expires_at = r.I64();
  c.device_id = UuidText(r.Raw(16));
  c.key_usage = r.U16();
  c.key_type = NameOf(kKeyTypes, r.U8());
  c.purpose = NameOf(kPurposes, r.U8());
  c.min_key_size = r.U16();
  c.validity_days = r.U16();
  ByteView subject = r.Raw(kDigestLen), sans = r.Raw(kDigestLen);
  c.subject_digest.assign(subject.begin(), subject.end());
  c.sans_digest.assign(sans.begin(), sans.end());
  c.profile = AsString(r.Short());
  for (int i = 0, n = r.U8(); i < n && r.ok(); ++i) c.ekus.push_back(OidFromContent(r.Short()));
  if (!r.ok() || !r.AtEnd()) return std::nullopt;
  return c;
}

Bytes Aad(std::string_view key_id) {
  Bytes aad(kAadContext.begin(), kAadContext.end());
  aad.push_back(0);
  aad.insert(aad.end(), key_id.begin(), key_id.end());
  return aad;
}

// A GCM context keyed, with its nonce and AAD already fed.
Result<EvpCipherCtxPtr> GcmContext(bool encrypt, const SealKey& key, ByteView nonce) {
  EvpCipherPtr cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return Fail(CryptoError("AES-256-GCM is unavailable"));
  Bytes aad = Aad(key.id);
  int n = 0;
  if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.key.data(), nonce.data(), encrypt ? 1 : 0,
                         nullptr) != 1 ||
      EVP_CipherUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1)
    return Fail(CryptoError("cannot set up AES-256-GCM"));
  return ctx;
}

// nonce || ciphertext || tag.
Result<Bytes> Encrypt(ByteView plain, const SealKey& key, ByteView nonce) {
  SG_ASSIGN_OR_RETURN(EvpCipherCtxPtr ctx, GcmContext(true, key, nonce));
  Bytes out(nonce.begin(), nonce.end());
  out.resize(kNonceLen + plain.size() + kTagLen);
  int n = 0, fin = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data() + kNonceLen, &n, plain.data(),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceLen + n, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagLen),
                          out.data() + kNonceLen + plain.size()) != 1)
    return Fail(CryptoError("AES-256-GCM encryption failed"));
  return out;
}

// The plaintext of nonce || ciphertext || tag; kInvalidArgument when the tag does not verify.
Result<Bytes> Decrypt(ByteView payload, const SealKey& key) {
  if (payload.size() <= kNonceLen + kTagLen) return Fail(Malformed());
  ByteView nonce = payload.first(kNonceLen), tag = payload.last(kTagLen);
  ByteView cipher = payload.subspan(kNonceLen, payload.size() - kNonceLen - kTagLen);
  SG_ASSIGN_OR_RETURN(EvpCipherCtxPtr ctx, GcmContext(false, key, nonce));
  Bytes plain(cipher.size());
  int n = 0, fin = 0;
  if (EVP_DecryptUpdate(ctx.get(), plain.data(), &n, cipher.data(),
                        static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagLen),
                          const_cast<uint8_t*>(tag.data())) != 1)
    return Fail(CryptoError("AES-256-GCM decryption failed"));
  if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + n, &fin) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument(std::string(kNotAuthentic)));
  }
  return plain;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '-' || c == '_';
}

// Only the canonical unpadded base64 of the payload is accepted: PrintableBase64, as minted now,
// or base64url, as minted before Windows devices were found to refuse '_' (challenges of that
// form may still be out). No other spelling of a payload, mixed alphabets included.
Result<Bytes> DecodeBody(std::string_view body) {
  if (body.empty() || !std::all_of(body.begin(), body.end(), IsBase64Char))
    return Fail(Malformed());
  auto payload = Base64Decode(body);
  if (!payload || (PrintableBase64(*payload) != body && Base64UrlEncode(*payload) != body))
    return Fail(Malformed());
  return std::move(*payload);
}

Status CheckKey(const SealKey& key) {
  if (!ValidKeyId(key.id))
    return Fail(Error::InvalidArgument("seal key id must be 1..8 of [a-z0-9]"));
  if (key.key.size() != kKeyLen)
    return Fail(Error::InvalidArgument("seal key '" + key.id + "' is not 32 bytes"));
  return {};
}

// The claims of an authentic plaintext, id included; kInvalidArgument when not canonical.
Result<SealedClaims> ParseClaims(ByteView plain, ByteView nonce) {
  Bytes id_tail;
  std::optional<SealedClaims> claims = DecodeClaims(plain, id_tail);
  if (!claims) return Fail(Malformed());
  auto again = EncodeClaims(*claims, id_tail);
  if (!again || !std::equal(again->begin(), again->end(), plain.begin(), plain.end()))
    return Fail(Malformed());
  Bytes id(nonce.begin(), nonce.end());
  id.insert(id.end(), id_tail.begin(), id_tail.end());
  claims->id = HexEncode(id);
  return std::move(*claims);
}

}  // namespace

bool LooksSealed(std::string_view challenge) { return challenge.starts_with(kSealedPrefix); }

Result<std::string> Seal(SealedClaims& claims, const SealKey& key, Random& random) {
  SG_TRY_STATUS(CheckKey(key));
  SG_ASSIGN_OR_RETURN(Bytes id, random.Generate(kNonceLen + kIdTailLen));
  if (id.size() != kNonceLen + kIdTailLen) return Fail(Error::Crypto("short random output"));
  ByteView nonce = ByteView(id).first(kNonceLen);
  SG_ASSIGN_OR_RETURN(Bytes plain, EncodeClaims(claims, ByteView(id).last(kIdTailLen)));
  SG_ASSIGN_OR_RETURN(std::string sealed, internal::SealPlaintext(plain, key, nonce));
  if (sealed.size() > kMaxSealedLength)
    return Fail(
        Error::InvalidArgument("sealed challenge would be " + std::to_string(sealed.size()) +
                               " characters, " + std::to_string(sealed.size() - kMaxSealedLength) +
                               " over the limit of 255: shorten the profile name or the EKU list"));
  claims.id = HexEncode(id);
  return sealed;
}

Result<SealedClaims> Unseal(std::string_view challenge, const std::vector<SealKey>& keys) {
  if (!LooksSealed(challenge) || challenge.size() > kMaxSealedLength) return Fail(Malformed());
  std::string_view rest = challenge.substr(kSealedPrefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos || !ValidKeyId(rest.substr(0, dot))) return Fail(Malformed());
  std::string_view key_id = rest.substr(0, dot);
  auto key =
      std::find_if(keys.begin(), keys.end(), [&](const SealKey& k) { return k.id == key_id; });
  if (key == keys.end())
    return Fail(Error::NotFound("no seal key with id '" + std::string(key_id) + "'"));
  SG_TRY_STATUS(CheckKey(*key));
  SG_ASSIGN_OR_RETURN(Bytes payload, DecodeBody(rest.substr(dot + 1)));
  SG_ASSIGN_OR_RETURN(Bytes plain, Decrypt(payload, *key));
  return ParseClaims(plain, ByteView(payload).first(kNonceLen));
}

namespace internal {

Result<std::string> SealPlaintext(ByteView plaintext, const SealKey& key, ByteView nonce) {
  SG_TRY_STATUS(CheckKey(key));
  if (nonce.size() != kNonceLen) return Fail(Error::InvalidArgument("nonce must be 12 bytes"));
  if (plaintext.empty()) return Fail(Error::InvalidArgument("empty plaintext"));
  SG_ASSIGN_OR_RETURN(Bytes payload, Encrypt(plaintext, key, nonce));
  return std::string(kSealedPrefix) + key.id + "." + PrintableBase64(payload);
}

}  // namespace internal
}  // namespace scepgate::policy
