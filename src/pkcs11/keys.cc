#include "pkcs11/keys.h"

#include <cstdlib>
#include <ctime>

#include "common/files.h"
#include "common/random.h"
#include "pkcs11/key.h"

namespace scepgate::pkcs11 {

namespace {

KeyPairSpec PairSpec(const ca::KeySpec& spec) {
  return KeyPairSpec{
      spec.kind == ca::KeySpec::Kind::kRsa ? KeyKind::kRsa : KeyKind::kEc, spec.bits, "", {}, true};
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

TokenKeys::TokenKeys(std::shared_ptr<Token> token, std::string label_prefix)
    : token_(std::move(token)), prefix_(std::move(label_prefix)) {}

std::string TokenKeys::Describe() const { return "token '" + token_->label() + "'"; }

Result<ca::TokenKey> TokenKeys::Generate(const ca::KeySpec& spec, std::string_view role) {
  SystemRandom random;
  SG_ASSIGN_OR_RETURN(Bytes id, random.Generate(16));
  KeyPairSpec pair = PairSpec(spec);
  // The time tells keys of one role apart; the id's first bytes, two made in one second.
  pair.label = prefix_ + "-" + std::string(role) + "-" + UtcStamp() + "-" +
               HexEncode(ByteView(id.data(), 2));
  pair.id = id;
  SG_ASSIGN_OR_RETURN(Token::Generated made, token_->GenerateKeyPair(pair));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, WrapPrivateKey(token_, made.private_key, *made.public_key));
  Uri uri;
  uri.token = token_->label();
  uri.object = pair.label;
  uri.id = pair.id;
  uri.type = "private";
  return ca::TokenKey{std::move(key), DescribeUri(uri)};
}

Result<EvpPkeyPtr> TokenKeys::GenerateEphemeral(const ca::KeySpec& spec) {
  KeyPairSpec pair = PairSpec(spec);
  pair.label = prefix_ + "-session";
  pair.persistent = false;
  SG_ASSIGN_OR_RETURN(Token::Generated made, token_->GenerateKeyPair(pair));
  return WrapPrivateKey(token_, made.private_key, *made.public_key);
}

Result<EvpPkeyPtr> TokenKeys::Load(std::string_view text, const X509& cert) {
  SG_ASSIGN_OR_RETURN(Uri uri, ParseUri(text));
  if (!uri.token.empty() && uri.token != token_->label())
    return Fail(Error::InvalidArgument("the key " + DescribeUri(uri) + " is in token '" +
                                       uri.token + "', but [pkcs11] opens token '" +
                                       token_->label() + "'"));
  SG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE handle, token_->FindPrivateKey(uri));
  const EVP_PKEY* pub = X509_get0_pubkey(&cert);
  if (pub == nullptr) return Fail(Error::InvalidArgument("the certificate has no public key"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, WrapPrivateKey(token_, handle, *pub));
  auto matches = ca::CheckKeySigns(*key, cert);
  if (!matches) return Fail(matches.error().With(DescribeUri(uri)));
  return key;
}

Result<std::string> ReadPin(const std::string& pin_file) {
  if (pin_file.empty()) {
    const char* env = std::getenv("SCEPGATE_PKCS11_PIN");
    if (env == nullptr || *env == '\0')
      return Fail(Error::FailedPrecondition(
          "the token's user PIN is needed: set [pkcs11] pin_file or SCEPGATE_PKCS11_PIN"));
    return std::string(env);
  }
  auto text = ReadPrivateFile(pin_file);
  if (!text) return Fail(text.error().With("[pkcs11] pin_file"));
  const size_t end = text->find_first_of("\r\n");
  std::string pin = text->substr(0, end);
  if (pin.empty())
    return Fail(Error::FailedPrecondition("[pkcs11] pin_file " + pin_file + " is empty"));
  return pin;
}

Result<std::shared_ptr<TokenKeys>> OpenTokenKeys(const std::string& uri_text,
                                                 const std::string& module,
                                                 const std::string& pin_file) {
  auto uri = ParseUri(uri_text);
  if (!uri) return Fail(uri.error().With("[pkcs11] uri"));
  TokenOptions options;
  options.module = module.empty() ? uri->module_path : module;
  options.token = *uri;
  SG_ASSIGN_OR_RETURN(options.pin, ReadPin(pin_file));
  SG_ASSIGN_OR_RETURN(std::shared_ptr<Token> token, Token::Open(options));
  return std::make_shared<TokenKeys>(std::move(token),
                                     uri->object.empty() ? "scepgate" : uri->object);
}

Result<std::shared_ptr<TokenKeys>> OpenConfiguredToken(const Config& config) {
  if (config.pkcs11_uri.empty()) return std::shared_ptr<TokenKeys>();
  return OpenTokenKeys(config.pkcs11_uri, config.pkcs11_module, config.pkcs11_pin_file);
}

}  // namespace scepgate::pkcs11
