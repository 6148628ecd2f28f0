#include "store/import/sqlite_to_postgres.h"

#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "store/postgres/connection.h"
#include "store/postgres/transaction.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

namespace fs = std::filesystem;

// One PostgreSQL column as information_schema describes it.
struct PgColumn {
  std::string name;
  bool bytea = false;
  bool generated = false;        // GENERATED ALWAYS AS (...) STORED: never written
  bool identity_always = false;  // GENERATED ALWAYS AS IDENTITY: written with OVERRIDING
  bool identity = false;
};

// The application's tables of the PostgreSQL schema, oldest first (created in dependency order).
Result<std::vector<std::string>> PgTables(pg::Connection& pg) {
  SG_ASSIGN_OR_RETURN(auto r, pg.Exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON "
                                      "n.oid = c.relnamespace WHERE c.relkind = 'r' AND "
                                      "n.nspname = current_schema() AND c.relname <> "
                                      "'schema_version' ORDER BY c.oid"));
  std::vector<std::string> tables;
  for (int i = 0; i < r.Rows(); ++i) {
    SG_ASSIGN_OR_RETURN(std::string name, r.Text(i, 0));
    tables.push_back(std::move(name));
  }
  return tables;
}

Result<std::vector<PgColumn>> PgColumns(pg::Connection& pg, const std::string& table) {
  SG_ASSIGN_OR_RETURN(
      auto r, pg.ExecParams("SELECT column_name, data_type, is_generated, is_identity, "
                            "coalesce(identity_generation, '') FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = $1 "
                            "ORDER BY ordinal_position",
                            {table}));
  std::vector<PgColumn> columns;
  for (int i = 0; i < r.Rows(); ++i) {
    PgColumn c;
    SG_ASSIGN_OR_RETURN(c.name, r.Text(i, 0));
    SG_ASSIGN_OR_RETURN(std::string type, r.Text(i, 1));
    SG_ASSIGN_OR_RETURN(std::string generated, r.Text(i, 2));
    SG_ASSIGN_OR_RETURN(std::string identity, r.Text(i, 3));
    SG_ASSIGN_OR_RETURN(std::string generation, r.Text(i, 4));
    c.bytea = type == "bytea";
    c.generated = generated == "ALWAYS";
    c.identity = identity == "YES";
    c.identity_always = c.identity && generation == "ALWAYS";
    columns.push_back(std::move(c));
  }
  return columns;
}

// The first column of every row `q` yields.
Result<std::vector<std::string>> FirstColumn(Query& q) {
  std::vector<std::string> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(q.Text(0));
  }
}

Result<std::vector<std::string>> SqliteTables(sqlite3& db) {
  SG_ASSIGN_OR_RETURN(auto stmt, Prepare(db,
                                         "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                         "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> "
                                         "'schema_migrations' ORDER BY name",
                                         false));
  Query q(*stmt, "list tables");
  return FirstColumn(q);
}

Result<std::vector<std::string>> SqliteColumns(sqlite3& db, const std::string& table) {
  SG_ASSIGN_OR_RETURN(auto stmt,
                      Prepare(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", false));
  Query q(*stmt, "list columns");
  q.BindText(1, table);
  return FirstColumn(q);
}

// Table and column names come from the two schemas, never from input; quoted all the same.
std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

// The parameter for one SQLite value going into a column of PostgreSQL type bytea or other.
pg::Param ParamOf(sqlite3_stmt& stmt, int column, bool bytea) {
  switch (sqlite3_column_type(&stmt, column)) {
    case SQLITE_NULL:
      return pg::Param::Null();
    case SQLITE_INTEGER:
      return pg::Param(static_cast<int64_t>(sqlite3_column_int64(&stmt, column)));
    default: {
      const void* data = sqlite3_column_blob(&stmt, column);
      auto size = static_cast<size_t>(sqlite3_column_bytes(&stmt, column));
      auto bytes = ByteView(static_cast<const uint8_t*>(data), data == nullptr ? 0 : size);
      if (bytea) return pg::Param::Bytea(bytes);
      return pg::Param(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    }
  }
}

// Copies one table; returns the rows copied.
Result<int64_t> CopyTable(sqlite3& db, pg::Connection& pg, const std::string& table) {
  SG_ASSIGN_OR_RETURN(std::vector<std::string> source, SqliteColumns(db, table));
  SG_ASSIGN_OR_RETURN(std::vector<PgColumn> target, PgColumns(pg, table));
  std::vector<const PgColumn*> columns;
  bool overriding = false;
  std::string names, select, placeholders;
  for (const auto& name : source) {
    auto it = std::ranges::find(target, name, &PgColumn::name);
    if (it == target.end())
      return Fail(Error::FailedPrecondition("PostgreSQL table " + table + " has no column " + name +
                                            ": the schemas differ"));
    if (it->generated) continue;
    overriding = overriding || it->identity_always;
    columns.push_back(&*it);
    std::string sep = columns.size() == 1 ? "" : ", ";
    names += sep + Quoted(name);
    select += sep + Quoted(name);
    placeholders += sep + "$" + std::to_string(columns.size());
  }
  SG_ASSIGN_OR_RETURN(
      auto stmt,
      Prepare(db, "SELECT " + select + " FROM " + Quoted(table) + " ORDER BY rowid", false));
  const std::string statement = "copy_" + table;
  SG_TRY_STATUS(pg.Prepare(statement, "INSERT INTO " + Quoted(table) + " (" + names + ") " +
                                          (overriding ? "OVERRIDING SYSTEM VALUE " : "") +
                                          "VALUES (" + placeholders + ")"));
  int64_t rows = 0;
  while (true) {
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Fail(DbError(db, "read " + table));
    std::vector<pg::Param> params;
    params.reserve(columns.size());
    for (size_t i = 0; i < columns.size(); ++i)
      params.push_back(ParamOf(*stmt, static_cast<int>(i), columns[i]->bytea));
    auto inserted = pg.ExecPrepared(statement, params);
    if (!inserted)
      return Fail(inserted.error().With("copy row " + std::to_string(rows + 1) + " of " + table));
    ++rows;
  }
  // Identity columns continue after the highest value copied.
  for (const PgColumn* c : columns) {
    if (!c->identity) continue;
    SG_TRY_STATUS(
        pg.ExecParams("SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT "
                      "max(" +
                          Quoted(c->name) + ") FROM " + Quoted(table) +
                          "), 1), (SELECT count(*) > 0 FROM " + Quoted(table) + "))",
                      {table, c->name}));
  }
  return rows;
}

Result<int64_t> PgCount(pg::Connection& pg, const std::string& table) {
  SG_ASSIGN_OR_RETURN(auto r, pg.Exec("SELECT count(*) FROM " + Quoted(table)));
  return r.Int64(0, 0);
}

Result<int64_t> SqliteCount(sqlite3& db, const std::string& table) {
  SG_ASSIGN_OR_RETURN(auto stmt, Prepare(db, "SELECT count(*) FROM " + Quoted(table), false));
  Query q(*stmt, "count " + table);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Int(0) : 0;
}

}  // namespace

Result<std::vector<CopiedTable>> CopySqliteToPostgres(const fs::path& file,
                                                      const PostgresOptions& target) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return Fail(Error::NotFound("no SQLite database " + file.string()));
  // Both at the latest schema, so that the tables and columns correspond.
  {
    SG_ASSIGN_OR_RETURN(auto sqlite, SqliteStore::Open(file));
    SG_ASSIGN_OR_RETURN(auto postgres, PostgresStore::Open(target));
  }
  SG_ASSIGN_OR_RETURN(SqlitePtr db, OpenDatabase(file, SQLITE_OPEN_READONLY, "migration"));
  SG_ASSIGN_OR_RETURN(pg::Connection pg, pg::Connection::Connect(target.dsn, target.password));

  SG_ASSIGN_OR_RETURN(std::vector<std::string> source_tables, SqliteTables(*db));
  SG_ASSIGN_OR_RETURN(std::vector<std::string> tables, PgTables(pg));
  std::set<std::string> source_set(source_tables.begin(), source_tables.end());
  std::set<std::string> target_set(tables.begin(), tables.end());
  if (source_set != target_set)
    return Fail(Error::FailedPrecondition(
        "the SQLite and PostgreSQL schemas do not have the same tables: is one scepgate newer "
        "than the other?"));

  SG_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(pg));
  // Nothing else may write while the copy runs, and the target must be empty.
  for (const auto& table : tables) {
    SG_TRY_STATUS(pg.Exec("LOCK TABLE " + Quoted(table) + " IN EXCLUSIVE MODE"));
    SG_ASSIGN_OR_RETURN(int64_t n, PgCount(pg, table));
    if (n != 0)
      return Fail(Error::FailedPrecondition("the PostgreSQL database already holds records (" +
                                            std::to_string(n) + " in " + table +
                                            "): migrate into an empty database"));
  }
  std::vector<CopiedTable> copied;
  for (const auto& table : tables) {
    SG_ASSIGN_OR_RETURN(int64_t rows, CopyTable(*db, pg, table));
    copied.push_back({table, rows});
  }
  for (const auto& c : copied) {
    SG_ASSIGN_OR_RETURN(int64_t in_pg, PgCount(pg, c.table));
    SG_ASSIGN_OR_RETURN(int64_t in_sqlite, SqliteCount(*db, c.table));
    if (in_pg != in_sqlite || in_pg != c.rows)
      return Fail(Error::Database("table " + c.table + ": " + std::to_string(in_sqlite) +
                                  " rows in SQLite, " + std::to_string(in_pg) +
                                  " in PostgreSQL after the copy"));
  }
  SG_TRY_STATUS(tx.Commit());
  return copied;
}

}  // namespace scepgate::store
