// Connection, QueryResult and the error mapping, against a real PostgreSQL server.
#include "store/postgres/connection.h"

#include <gtest/gtest.h>

#include <string>

#include "store/postgres/pg_error.h"
#include "store/postgres/pg_test_fixture.h"

namespace scepgate::store::pg {
namespace {

using ConnectionTest = PgTest;

constexpr char kCreateTable[] =
    "CREATE TABLE items (id bigint PRIMARY KEY, name text, data bytea, note text, "
    "flag boolean)";

TEST(DsnTest, APasswordInsideTheDsnIsFoundInEitherForm) {
  EXPECT_EQ(DsnHasPassword("postgresql://sg@127.0.0.1:5432/sg"), false);
  EXPECT_EQ(DsnHasPassword("postgresql://sg:secret@127.0.0.1:5432/sg"), true);
  EXPECT_EQ(DsnHasPassword("postgresql://sg@127.0.0.1/sg?password=secret"), true);
  EXPECT_EQ(DsnHasPassword("host=127.0.0.1 dbname=sg user=sg"), false);
  EXPECT_EQ(DsnHasPassword("host=127.0.0.1 dbname=sg password=secret"), true);
  auto bad = DsnHasPassword("host=127.0.0.1 dbname");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ConnectionTest, ConnectsToItsOwnDatabase) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK_AND_ASSIGN(rows, conn.Exec("SELECT current_database(), current_user"));
  ASSERT_EQ(rows.Rows(), 1);
  EXPECT_EQ(server_->Dsn(rows.Text(0, 0).value()), dsn_);
  EXPECT_EQ(rows.Text(0, 1).value(), "postgres");
  EXPECT_FALSE(conn.IsBroken());
  EXPECT_EQ(conn.TransactionStatus(), PQTRANS_IDLE);
}

TEST_F(ConnectionTest, RoundTripsTextInt64ByteaBoolAndNull) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK(conn.Exec(kCreateTable));
  const Bytes blob = {0x00, 0x01, 0x00, 0xff, 0x00, '\\', 'x', 0x00};
  const std::string name = "Zoë \"quoted\" 'single' \\ 名前";
  PG_ASSERT_OK_AND_ASSIGN(
      insert, conn.ExecParams("INSERT INTO items VALUES ($1, $2, $3, $4, $5)",
                              {int64_t{-9007199254740993}, name, blob, std::nullopt, true}));
  EXPECT_EQ(insert.AffectedRows(), 1);
  PG_ASSERT_OK(conn.ExecParams("INSERT INTO items VALUES ($1, $2, $3, $4, $5)",
                               {int64_t{2}, std::optional<std::string>(), Bytes{}, "", false}));

  PG_ASSERT_OK_AND_ASSIGN(rows,
                          conn.Exec("SELECT id, name, data, note, flag FROM items ORDER BY id"));
  ASSERT_EQ(rows.Rows(), 2);
  ASSERT_EQ(rows.Columns(), 5);
  EXPECT_EQ(rows.Int64(0, 0).value(), -9007199254740993);
  EXPECT_EQ(rows.Text(0, 1).value(), name);
  EXPECT_EQ(rows.Bytea(0, 2).value(), blob);
  EXPECT_TRUE(rows.IsNull(0, 3));
  EXPECT_EQ(rows.TextOrNull(0, 3).value(), std::nullopt);
  EXPECT_EQ(rows.Bool(0, 4).value(), true);

  EXPECT_EQ(rows.Int64(1, 0).value(), 2);
  EXPECT_EQ(rows.TextOrNull(1, 1).value(), std::nullopt);
  EXPECT_EQ(rows.Bytea(1, 2).value(), Bytes{});  // empty, not NULL
  EXPECT_FALSE(rows.IsNull(1, 2));
  EXPECT_EQ(rows.Text(1, 3).value(), "");  // empty, not NULL
  EXPECT_EQ(rows.Bool(1, 4).value(), false);
}

TEST_F(ConnectionTest, AccessorsRefuseNullWrongTypesAndOutOfRange) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK_AND_ASSIGN(
      rows, conn.Exec("SELECT NULL::text AS nothing, 'abc'::text AS word, 7::int AS seven"));
  EXPECT_EQ(CodeOf(rows.Text(0, 0)), ErrorCode::kDatabase);  // NULL where a value is due
  EXPECT_EQ(CodeOf(rows.Int64(0, 0)), ErrorCode::kDatabase);
  EXPECT_EQ(rows.Int64OrNull(0, 0).value(), std::nullopt);
  EXPECT_EQ(rows.ByteaOrNull(0, 0).value(), std::nullopt);
  EXPECT_EQ(rows.BoolOrNull(0, 0).value(), std::nullopt);
  EXPECT_EQ(CodeOf(rows.Int64(0, 1)), ErrorCode::kDatabase);  // "abc"
  EXPECT_EQ(CodeOf(rows.Bool(0, 1)), ErrorCode::kDatabase);
  EXPECT_EQ(CodeOf(rows.Bytea(0, 1)), ErrorCode::kDatabase);  // text is not bytea
  EXPECT_EQ(rows.Int64(0, 2).value(), 7);
  EXPECT_EQ(CodeOf(rows.Text(1, 0)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(rows.Text(0, 3)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(rows.Text(-1, 0)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(rows.ColumnIndex("seven").value(), 2);
  EXPECT_EQ(CodeOf(rows.ColumnIndex("eight")), ErrorCode::kInvalidArgument);
}

TEST_F(ConnectionTest, UniqueViolationIsAlreadyExistsWithItsSqlState) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK(conn.Exec(kCreateTable));
  const std::string insert = "INSERT INTO items (id, name) VALUES ($1, $2)";
  PG_ASSERT_OK(conn.ExecParams(insert, {int64_t{1}, "first"}));
  Result<QueryResult> again = conn.ExecParams(insert, {int64_t{1}, "second"});
  ASSERT_FALSE(again);
  EXPECT_EQ(CodeOf(again), ErrorCode::kAlreadyExists) << again.error().message;
  EXPECT_EQ(SqlState(again.error()), "23505");
  EXPECT_EQ(SqlState(again.error().With("store")), "23505");
  EXPECT_FALSE(IsConnectionLost(again.error()));
  EXPECT_EQ(again.error().message.find("second"), std::string::npos) << "no row values (DETAIL)";
  EXPECT_EQ(ConstraintName(again.error()), "items_pkey");
  EXPECT_EQ(ConstraintName(again.error().With("store")), "items_pkey");
  // The connection is still good.
  EXPECT_FALSE(conn.IsBroken());
  PG_ASSERT_OK_AND_ASSIGN(count, conn.Exec("SELECT count(*) FROM items"));
  EXPECT_EQ(count.Int64(0, 0).value(), 1);
}

TEST_F(ConnectionTest, OtherServerErrorsAreDatabaseWithSqlState) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  Result<QueryResult> syntax = conn.Exec("SELEC 1");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(CodeOf(syntax), ErrorCode::kDatabase);
  EXPECT_EQ(SqlState(syntax.error()), "42601");
  Result<QueryResult> missing = conn.ExecParams("SELECT * FROM nowhere WHERE id = $1", {1});
  ASSERT_FALSE(missing);
  EXPECT_EQ(SqlState(missing.error()), "42P01");
  EXPECT_EQ(SqlState(Error::Database("no state here")), std::nullopt);
  EXPECT_EQ(ConstraintName(syntax.error()), std::nullopt);
}

TEST_F(ConnectionTest, TextParameterWithZeroByteIsRefused) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  Result<QueryResult> r = conn.ExecParams("SELECT $1::text", {std::string("a\0b", 3)});
  ASSERT_FALSE(r);
  EXPECT_EQ(CodeOf(r), ErrorCode::kInvalidArgument);
}

TEST_F(ConnectionTest, ExecRunsSeveralStatementsAndReturnsTheLast) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK_AND_ASSIGN(
      rows,
      conn.Exec("CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2); SELECT sum(x) FROM a"));
  EXPECT_EQ(rows.Int64(0, 0).value(), 3);
}

TEST_F(ConnectionTest, PreparedStatementsRunRepeatedlyAndPrepareIsIdempotent) {
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK(conn.Exec(kCreateTable));
  const std::string insert = "INSERT INTO items (id, name, data) VALUES ($1, $2, $3)";
  PG_ASSERT_OK(conn.Prepare("insert_item", insert));
  PG_ASSERT_OK(conn.Prepare("insert_item", insert));  // same SQL: nothing to do
  EXPECT_TRUE(conn.IsPrepared("insert_item"));
  for (int64_t id = 1; id <= 5; ++id) {
    PG_ASSERT_OK(
        conn.ExecPrepared("insert_item", {id, "n" + std::to_string(id), Bytes{0, uint8_t(id), 0}}));
  }
  Result<QueryResult> duplicate = conn.ExecPrepared("insert_item", {int64_t{3}, "x", Bytes{}});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(CodeOf(duplicate), ErrorCode::kAlreadyExists);

  PG_ASSERT_OK(conn.Prepare("get_item", "SELECT name, data FROM items WHERE id = $1"));
  PG_ASSERT_OK_AND_ASSIGN(rows, conn.ExecPrepared("get_item", {int64_t{4}}));
  ASSERT_EQ(rows.Rows(), 1);
  EXPECT_EQ(rows.Text(0, 0).value(), "n4");
  EXPECT_EQ(rows.Bytea(0, 1).value(), (Bytes{0, 4, 0}));

  Status other_sql = conn.Prepare("get_item", "SELECT 1");
  ASSERT_FALSE(other_sql);
  EXPECT_EQ(CodeOf(other_sql), ErrorCode::kInvalidArgument);
  Result<QueryResult> unknown = conn.ExecPrepared("never_prepared", {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(SqlState(unknown.error()), "26000");
}

TEST_F(ConnectionTest, BadDsnIsInvalidArgumentAndNoServerIsConnectionLost) {
  Result<Connection> bad = Connection::Connect("postgresql://[::1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(CodeOf(bad), ErrorCode::kInvalidArgument);
  // Port 1 on loopback: nothing listens there.
  Result<Connection> none =
      Connection::Connect("postgresql://postgres:secret@127.0.0.1:1/x?connect_timeout=2");
  ASSERT_FALSE(none);
  EXPECT_TRUE(IsConnectionLost(none.error())) << none.error().message;
  EXPECT_EQ(none.error().message.find("secret"), std::string::npos) << none.error().message;
}

TEST_F(ConnectionTest, TerminatedBackendIsConnectionLost) {
  PG_ASSERT_OK_AND_ASSIGN(victim, Connection::Connect(dsn_));
  PG_ASSERT_OK_AND_ASSIGN(admin, Connection::Connect(dsn_));
  PG_ASSERT_OK_AND_ASSIGN(
      killed, admin.ExecParams("SELECT pg_terminate_backend($1::int)", {victim.BackendPid()}));
  ASSERT_TRUE(killed.Bool(0, 0).value());
  Result<QueryResult> r = victim.Exec("SELECT 1");
  ASSERT_FALSE(r);
  EXPECT_TRUE(IsConnectionLost(r.error())) << r.error().message;
  EXPECT_TRUE(victim.IsBroken());
  EXPECT_FALSE(admin.IsBroken());
  // A broken connection stays broken.
  Result<QueryResult> again = victim.Exec("SELECT 1");
  ASSERT_FALSE(again);
  EXPECT_TRUE(IsConnectionLost(again.error())) << again.error().message;
}

}  // namespace
}  // namespace scepgate::store::pg
