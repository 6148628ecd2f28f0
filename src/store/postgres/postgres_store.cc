#include "store/postgres/postgres_store.h"

#include <utility>

#include "store/postgres/migrations.h"

namespace scepgate::store {

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options) {
  pg::PoolOptions pool_options;
  pool_options.dsn = options.dsn;
  pool_options.password = options.password;
  pool_options.max_size = options.pool_size;
  pool_options.acquire_timeout = options.acquire_timeout;
  SG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool, pg::Pool::Create(std::move(pool_options)));
  int version = 0;
  {
    SG_ASSIGN_OR_RETURN(pg::Lease lease, pool->Acquire());
    auto migrated = pg::Migrate(*lease);
    if (!migrated) return Fail(migrated.error().With("cannot migrate the PostgreSQL store"));
    version = *migrated;
  }  // the connection stays in the pool for the store's first call
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(pool), version));
}

PostgresStore::PostgresStore(std::unique_ptr<pg::Pool> pool, int schema_version)
    : pool_(std::move(pool)), schema_version_(schema_version) {}

PostgresStore::~PostgresStore() = default;

}  // namespace scepgate::store
