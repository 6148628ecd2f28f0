// PostgresTestServer: databases, stop, restart, clean-up.
#include "store/postgres/test_server.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "store/postgres/connection.h"
#include "store/postgres/pg_error.h"
#include "store/postgres/pg_test_fixture.h"

namespace scepgate::store::pg {
namespace {

TEST(PostgresTestServerTest, StopsAndRemovesItsDirectory) {
  std::filesystem::path dir;
  std::string dsn;
  {
    PG_ASSERT_OK_AND_ASSIGN(server, PostgresTestServer::Start());
    dir = server->dir();
    PG_ASSERT_OK_AND_ASSIGN(a, server->CreateDatabase());
    PG_ASSERT_OK_AND_ASSIGN(b, server->CreateDatabase());
    EXPECT_NE(a, b);
    dsn = server->Dsn(a);
    PG_ASSERT_OK(Connection::Connect(dsn));
    PG_ASSERT_OK(server->Stop());
    EXPECT_FALSE(server->running());
    Result<Connection> down = Connection::Connect(dsn);
    ASSERT_FALSE(down);
    EXPECT_TRUE(IsConnectionLost(down.error()));
    PG_ASSERT_OK(server->Restart());  // starts a stopped server too
    PG_ASSERT_OK(Connection::Connect(dsn));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_FALSE(Connection::Connect(dsn).has_value());
}

TEST(PostgresTestServerTest, SharedServerIsStartedOnce) {
  PG_ASSERT_OK_AND_ASSIGN(first, SharedPostgres());
  PG_ASSERT_OK_AND_ASSIGN(second, SharedPostgres());
  EXPECT_EQ(first, second);
  EXPECT_TRUE(first->running());
  EXPECT_EQ(first->Dsn("a b/c"),
            "postgresql://postgres@127.0.0.1:" + std::to_string(first->port()) + "/a%20b%2Fc");
}

}  // namespace
}  // namespace scepgate::store::pg
