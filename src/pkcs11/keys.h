// ca::KeyToken over a PKCS#11 token, and the token a data dir's [pkcs11] settings name.
#pragma once

#include <memory>
#include <string>

#include "ca/key_token.h"
#include "common/config.h"
#include "pkcs11/token.h"

namespace scepgate::pkcs11 {

class TokenKeys final : public ca::KeyToken {
 public:
  // `label_prefix` starts the CKA_LABEL of every key made here ("<prefix>-issuing-<time>").
  TokenKeys(std::shared_ptr<Token> token, std::string label_prefix);

  Result<ca::TokenKey> Generate(const ca::KeySpec& spec, std::string_view role) override;
  Result<EvpPkeyPtr> GenerateEphemeral(const ca::KeySpec& spec) override;
  Result<EvpPkeyPtr> Load(std::string_view uri, const X509& cert) override;
  std::string Describe() const override;

  // The token itself, for tests that check how a key is kept.
  Token& token() const { return *token_; }

 private:
  std::shared_ptr<Token> token_;
  std::string prefix_;
};

// The user PIN: the first line of `pin_file` when given (which must not be readable by group or
// others), else the environment variable SCEPGATE_PKCS11_PIN. Returns kFailedPrecondition when
// neither holds one or the file's mode is too open, kNotFound / kIo for the file. Thread-safe.
Result<std::string> ReadPin(const std::string& pin_file);

// Opens the token `uri` names (module: `module`, else the URI's module-path) and logs in with
// ReadPin(pin_file). The URI's object= becomes the label prefix ("scepgate" when absent).
// Returns what ParseUri, ReadPin and Token::Open return, each naming the setting at fault.
Result<std::shared_ptr<TokenKeys>> OpenTokenKeys(const std::string& uri, const std::string& module,
                                                 const std::string& pin_file);

// OpenTokenKeys for a data dir's [pkcs11] section; null when `config` names no token.
Result<std::shared_ptr<TokenKeys>> OpenConfiguredToken(const Config& config);

}  // namespace scepgate::pkcs11
