// PostgresStore when connections are lost (postgres_store.h): reads are run again on a fresh
// connection, a write is not repeated and says kUnavailable, and the store recovers once the server
// is back. Each test starts its own server, since it restarts or stops it.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/postgres/pg_error.h"
#include "store/postgres/pg_test_fixture.h"
#include "store/postgres/test_server.h"
#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

using pg::CodeOf;

class PgConnectionLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = pg::PostgresTestServer::Start();
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    auto database = server_->CreateDatabase();
    ASSERT_TRUE(database) << database.error().message;
    PostgresOptions options;
    options.dsn = server_->Dsn(*database);
    options.pool_size = 3;
    auto store = PostgresStore::Open(options);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  std::unique_ptr<pg::PostgresTestServer> server_;
  std::unique_ptr<PostgresStore> store_;
};

TEST_F(PgConnectionLossTest, AReadRunsAgainOnAFreshConnectionAfterARestart) {
  ASSERT_TRUE(store_->InsertCertificate(MakeCert("c1", 10)));
  ASSERT_TRUE(server_->Restart());
  auto found = store_->FindCertificate("c1");  // its idle connection is dead: read again
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->serial, "c1");
  EXPECT_TRUE(store_->ListCertificates({}));
  ASSERT_TRUE(store_->InsertCertificate(MakeCert("c2", 20)));  // fresh connections from here
}

TEST_F(PgConnectionLossTest, AWriteOnALostConnectionIsIoAndNotRepeated) {
  ASSERT_TRUE(store_->SetSetting("k", "before"));
  ASSERT_TRUE(server_->Restart());
  // One statement, autocommitted: once sent, its outcome is unknown, so it is not repeated.
  auto written = store_->SetSetting("k", "after");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable) << written.error().message;
  // The pool dropped the other dead connections: the next calls work.
  ASSERT_TRUE(store_->SetSetting("k", "again"));
  EXPECT_EQ(**store_->GetSetting("k"), "again");
}

TEST_F(PgConnectionLossTest, ATransactionThatCouldNotBeginStartsOnceMore) {
  ASSERT_TRUE(store_->InsertCertificate(MakeCert("c1", 10)));
  ASSERT_TRUE(server_->Restart());
  // BEGIN fails on the dead connection before anything of the issuance was sent.
  auto id = store_->RecordIssuance(MakeIssuance(MakeCert("c2", 20), MakeRequest("r2", 20)));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_TRUE(*store_->FindCertificate("c2"));
}

TEST_F(PgConnectionLossTest, EveryCallIsIoWhileTheServerIsDownAndWorksOnceItIsBack) {
  ASSERT_TRUE(store_->InsertCertificate(MakeCert("c1", 10)));
  ASSERT_TRUE(server_->Stop());
  EXPECT_EQ(CodeOf(store_->FindCertificate("c1")), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf(store_->InsertCertificate(MakeCert("c2", 20))), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf(store_->RecordIssuance(MakeIssuance(MakeCert("c3", 30), MakeRequest("r", 30)))),
            ErrorCode::kUnavailable);
  EXPECT_EQ(CodeOf(store_->NextCounter("n")), ErrorCode::kUnavailable);
  ASSERT_TRUE(server_->Restart());
  EXPECT_TRUE(*store_->FindCertificate("c1"));
  EXPECT_FALSE(*store_->FindCertificate("c2"));
  EXPECT_TRUE(store_->InsertCertificate(MakeCert("c2", 20)));
}

using PgTextTest = pg::PgTest;

// postgres_store.h: text is PostgreSQL text. (SqliteStore keeps any bytes.)
TEST_F(PgTextTest, TextThatIsNotUtf8OrHoldsAZeroByteIsRefusedAndNothingIsWritten) {
  PostgresOptions options;
  options.dsn = dsn_;
  auto store = PostgresStore::Open(options);
  ASSERT_TRUE(store) << store.error().message;
  RequestRecord cut = MakeRequest("corr", 10);
  cut.transaction_id = "tid-\xc3";  // a two-byte sequence cut after its first byte
  auto refused = (*store)->InsertRequest(cut);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kDatabase) << refused.error().message;
  EXPECT_EQ(pg::SqlState(refused.error()), "22021");
  RequestRecord zero = MakeRequest("corr", 10);
  zero.reason = std::string("a\0b", 3);
  EXPECT_EQ(CodeOf((*store)->RecordRequest(zero, {})), ErrorCode::kDatabase);
  EXPECT_TRUE((*store)->ListRequests({})->empty());
  cut.transaction_id = "tid-\xc3\xa9";  // whole, it is stored
  EXPECT_TRUE((*store)->InsertRequest(cut));
}

}  // namespace
}  // namespace scepgate::store
