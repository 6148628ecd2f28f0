// The typed fixture that runs the same behavioural tests against every Store implementation:
// MemoryStore, and SqliteStore on a real file in a fresh temporary directory (store_test); or,
// compiled with SCEPGATE_STORE_TEST_POSTGRES, PostgresStore on a fresh database of the test
// binary's throw-away PostgreSQL server (store_pg_test).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "store/store.h"
#include "store/test_temp_dir.h"

#ifdef SCEPGATE_STORE_TEST_POSTGRES
#include "store/postgres/postgres_store.h"
#include "store/postgres/test_server.h"
#else
#include "store/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#endif

namespace scepgate::store {

#ifdef SCEPGATE_STORE_TEST_POSTGRES

// A fresh database on the shared server (started on first use), opened (and so migrated) anew.
struct PostgresBackend {
  static Result<std::unique_ptr<Store>> Make(const std::filesystem::path&) {
    SG_ASSIGN_OR_RETURN(pg::PostgresTestServer * server, pg::SharedPostgres());
    SG_ASSIGN_OR_RETURN(std::string database, server->CreateDatabase());
    PostgresOptions options;
    options.dsn = server->Dsn(database);
    SG_ASSIGN_OR_RETURN(auto store, PostgresStore::Open(options));
    return std::unique_ptr<Store>(std::move(store));
  }
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return "Postgres";
  }
};

using Backends = ::testing::Types<PostgresBackend>;

#else

struct MemoryBackend {
  static Result<std::unique_ptr<Store>> Make(const std::filesystem::path&) {
    return std::make_unique<MemoryStore>();
  }
};

struct SqliteBackend {
  static Result<std::unique_ptr<Store>> Make(const std::filesystem::path& dir) {
    SG_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(dir / "store.db"));
    return std::unique_ptr<Store>(std::move(store));
  }
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryBackend> ? "Memory" : "Sqlite";
  }
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;

#endif

template <class Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = Backend::Make(dir_.path());
    ASSERT_TRUE(made) << made.error().message;
    store_ = std::move(*made);
  }

  Store& store() { return *store_; }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// A certificate record with every field set to something distinguishable.
inline CertificateRecord MakeCert(const std::string& serial, int64_t created_at,
                                  const std::string& transaction_id = "tid-1",
                                  const std::string& subject = "CN=device-1",
                                  const std::string& issuer_id = "issuer-a") {
  CertificateRecord c;
  c.serial = serial;
  c.issuer_id = issuer_id;
  c.subject = subject;
  c.sans = {"DNS:" + serial + ".example"};
  c.not_before = created_at;
  c.not_after = created_at + 86400;
  c.sha1 = "sha1-" + serial;
  c.sha256 = "sha256-" + serial;
  c.public_key_sha256 = "pk-" + serial;
  c.transaction_id = transaction_id;
  c.request_signer_sha256 = "signer-" + serial;
  c.template_name = "device";
  c.der = {0x30, 0x03, 0x02, 0x01, 0x01};
  c.created_at = created_at;
  return c;
}

// A request record with every field set.
inline Issuance MakeIssuance(CertificateRecord cert, RequestRecord request) {
  Issuance issuance;
  issuance.cert = std::move(cert);
  issuance.request = std::move(request);
  return issuance;
}

inline RequestRecord MakeRequest(const std::string& correlation_id, int64_t created_at,
                                 const std::string& state = "issued",
                                 const std::string& transaction_id = "tid-1") {
  RequestRecord r;
  r.correlation_id = correlation_id;
  r.transaction_id = transaction_id;
  r.message_type = "PKCSReq";
  r.state = state;
  r.fail_info = state == "failed" ? "badRequest" : "";
  r.reason = "reason of " + correlation_id;
  r.signer_subject = "CN=signer";
  r.signer_sha256 = "signer-sha";
  r.cert_serial = "";
  r.remote_addr = "192.0.2.7";
  r.renewal = true;
  r.created_at = created_at;
  r.duration_us = 1234;
  return r;
}

inline void ExpectSameCert(const CertificateRecord& want, const CertificateRecord& got) {
  EXPECT_EQ(got.serial, want.serial);
  EXPECT_EQ(got.issuer_id, want.issuer_id);
  EXPECT_EQ(got.subject, want.subject);
  EXPECT_EQ(got.sans, want.sans);
  EXPECT_EQ(got.not_before, want.not_before);
  EXPECT_EQ(got.not_after, want.not_after);
  EXPECT_EQ(got.sha1, want.sha1);
  EXPECT_EQ(got.sha256, want.sha256);
  EXPECT_EQ(got.public_key_sha256, want.public_key_sha256);
  EXPECT_EQ(got.transaction_id, want.transaction_id);
  EXPECT_EQ(got.request_signer_sha256, want.request_signer_sha256);
  EXPECT_EQ(got.template_name, want.template_name);
  EXPECT_EQ(got.der, want.der);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.revoked_at, want.revoked_at);
  EXPECT_EQ(got.revocation_reason, want.revocation_reason);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.device_id, want.device_id);
  EXPECT_EQ(got.user_upn, want.user_upn);
  EXPECT_EQ(got.profile, want.profile);
  EXPECT_EQ(got.challenge_id, want.challenge_id);
}

// Compares every field but the id, which the store assigns.
inline void ExpectSameRequest(const RequestRecord& want, const RequestRecord& got) {
  EXPECT_EQ(got.correlation_id, want.correlation_id);
  EXPECT_EQ(got.transaction_id, want.transaction_id);
  EXPECT_EQ(got.message_type, want.message_type);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.fail_info, want.fail_info);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.signer_subject, want.signer_subject);
  EXPECT_EQ(got.signer_sha256, want.signer_sha256);
  EXPECT_EQ(got.cert_serial, want.cert_serial);
  EXPECT_EQ(got.remote_addr, want.remote_addr);
  EXPECT_EQ(got.renewal, want.renewal);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.duration_us, want.duration_us);
  EXPECT_EQ(got.device_id, want.device_id);
  EXPECT_EQ(got.user_upn, want.user_upn);
  EXPECT_EQ(got.profile, want.profile);
  EXPECT_EQ(got.challenge_id, want.challenge_id);
  EXPECT_EQ(got.stage, want.stage);
}

// Filters built field by field (designated initializers that skip fields trip
// -Wmissing-field-initializers).
inline CertFilter Certs(std::optional<CertStatus> status, std::optional<std::string> issuer_id,
                        int limit = 0) {
  CertFilter f;
  f.status = status;
  f.issuer_id = std::move(issuer_id);
  f.limit = limit;
  return f;
}

inline RequestFilter Requests(std::optional<std::string> state,
                              std::optional<std::string> transaction_id, int limit = 0) {
  RequestFilter f;
  f.state = std::move(state);
  f.transaction_id = std::move(transaction_id);
  f.limit = limit;
  return f;
}

inline std::vector<std::string> SerialsOf(const std::vector<CertificateRecord>& certs) {
  std::vector<std::string> out;
  for (const auto& c : certs) out.push_back(c.serial);
  return out;
}

inline std::vector<std::string> CorrelationIdsOf(const std::vector<RequestRecord>& requests) {
  std::vector<std::string> out;
  for (const auto& r : requests) out.push_back(r.correlation_id);
  return out;
}

using Strings = std::vector<std::string>;

// The `name` of each record (groups, profiles), in order.
template <class Record>
Strings NamesOf(const std::vector<Record>& records) {
  Strings out;
  for (const auto& r : records) out.push_back(r.name);
  return out;
}

// Expects `result` to have failed with `code`.
template <class T>
void ExpectCode(const T& result, ErrorCode code) {
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, code) << result.error().message;
}

}  // namespace scepgate::store
