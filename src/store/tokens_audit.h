// REST API tokens and the audit log.
// Part of the store (store.h): bearer tokens (kept as hashes) and every change made through the CLI
// or the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::store {

// A bearer token of the REST API. Only the SHA-256 of the secret is kept, never the secret.
struct TokenRecord {
  std::string id;    // short public id (hex), shown in lists and in the audit log
  std::string name;  // free text, may be empty
  std::string role;  // "admin" | "operator" | "auditor"
  std::string hash;  // SHA-256 (lower-case hex) of the token; unique
  int64_t created_at = 0;
  bool revoked = false;
  int64_t revoked_at = 0;
  int64_t expires_at = 0;  // unix seconds from which the token is refused; 0 = never
};

// One change made through the CLI or the REST API, whatever its outcome.
struct AuditRecord {
  int64_t id = 0;  // assigned by the store
  int64_t at = 0;
  std::string actor;    // "token:<id> (<name>)" or "cli:<unix user>"
  std::string action;   // "device.add", "profile.update", ...
  std::string target;   // what it acted on (device id, UPN, name, serial); "" when none
  std::string args;     // JSON object of the arguments given, never a secret
  std::string outcome;  // "ok", or the error code's name ("notFound", ...)
  std::string detail;   // the error message; "" on success
};

struct AuditFilter {
  int limit = 0;              // 0 = no limit; newest first
  std::string action_prefix;  // the action starts with it ("device." or "device.add"); "" = any
  std::string actor;          // exactly this actor; "" = any
  int64_t at_from = 0;        // at >= this; 0 = no bound
  int64_t at_until = 0;       // at < this; 0 = no bound
  int64_t before_id = 0;      // only ids below this (the next page); 0 = no bound
};

// Tokens and the audit log (store/memory_tokens_audit.cc, sqlite/tokens_audit.cc).
// Thread-safe: every implementation may be called from several threads at once.
class TokenAuditStore {
 public:
  virtual ~TokenAuditStore() = default;

  // Stores a new token. Returns kAlreadyExists when the id or the hash is taken, kDatabase.
  virtual Status InsertToken(const TokenRecord& token) = 0;

  // Returns the token whose hash is `hash` (revoked or not), nullopt when none; kDatabase.
  virtual Result<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) = 0;

  // Every token, oldest first. kDatabase.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;

  // Marks the token revoked. Returns kNotFound for an unknown id, kAlreadyExists when it is
  // already revoked, kDatabase otherwise.
  virtual Status RevokeToken(std::string_view id, int64_t revoked_at) = 0;

  // Appends an entry to the audit log and returns its id. kDatabase.
  virtual Result<int64_t> AppendAudit(const AuditRecord& entry) = 0;

  // Newest first. kDatabase.
  virtual Result<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter) = 0;
};

}  // namespace scepgate::store
