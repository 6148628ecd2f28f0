// A fresh database on the test binary's shared PostgreSQL server for each test.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "store/postgres/connection.h"
#include "store/postgres/test_server.h"

// Declares `var` (a reference) from a Result expression; on error fails the test and returns.
#define PG_ASSERT_OK_AND_ASSIGN(var, expr)                               \
  auto var##_result = (expr);                                            \
  ASSERT_TRUE(var##_result.has_value()) << var##_result.error().message; \
  auto& var = *var##_result

// Fails the test and returns when a Status (or Result) expression holds an error.
#define PG_ASSERT_OK(expr)                                     \
  do {                                                         \
    auto pg_ok_ = (expr);                                      \
    ASSERT_TRUE(pg_ok_.has_value()) << pg_ok_.error().message; \
  } while (0)

namespace scepgate::store::pg {

// The code of `result`'s error, or nullopt when it holds a value, so that an unexpected success
// fails an EXPECT_EQ instead of reading an error that is not there.
template <class T>
std::optional<ErrorCode> CodeOf(const Result<T>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<PostgresTestServer*> server = SharedPostgres();
    ASSERT_TRUE(server) << server.error().message;
    server_ = *server;
    Result<std::string> database = server_->CreateDatabase();
    ASSERT_TRUE(database) << database.error().message;
    dsn_ = server_->Dsn(*database);
  }

  PostgresTestServer* server_ = nullptr;
  std::string dsn_;
};

}  // namespace scepgate::store::pg
