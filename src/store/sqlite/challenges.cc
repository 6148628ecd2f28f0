// SqliteStore's one-time challenges and their single use (schema version 4).
#include <string>
#include <utility>

#include "store/sqlite/records.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectChallengeSql =
    "SELECT id, format, device_id, user_upn, profile, subject, sans, key_usage, ekus, key_type,"
    " min_key_size, validity_days, purpose, created_at, expires_at FROM challenges WHERE id = ?1";

Result<ChallengeRecord> ReadChallenge(const Query& q) {
  ChallengeRecord c;
  c.id = q.Text(0);
  c.format = q.Text(1);
  c.device_id = q.Text(2);
  c.user_upn = q.Text(3);
  c.profile = q.Text(4);
  c.subject = q.Text(5);
  SG_ASSIGN_OR_RETURN(c.sans, ListFromJson(q.Text(6), "SANs"));
  c.key_usage = static_cast<uint32_t>(q.Int(7));
  SG_ASSIGN_OR_RETURN(c.ekus, ListFromJson(q.Text(8), "EKUs"));
  c.key_type = q.Text(9);
  c.min_key_size = static_cast<int>(q.Int(10));
  c.validity_days = static_cast<int>(q.Int(11));
  c.purpose = q.Text(12);
  c.created_at = q.Int(13);
  c.expires_at = q.Int(14);
  return c;
}

}  // namespace

Status SqliteStore::InsertChallenge(const ChallengeRecord& c) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(bool device,
                      ExistsLocked("SELECT 1 FROM devices WHERE id = ?1", c.device_id));
  if (!device) return Fail(Error::NotFound("device " + c.device_id + " not found"));
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(c.sans, "SANs"));
  SG_ASSIGN_OR_RETURN(std::string ekus, ListToJson(c.ekus, "EKUs"));
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO challenges (id, format, device_id, user_upn, profile, subject,"
                      " sans, key_usage, ekus, key_type, min_key_size, validity_days, purpose,"
                      " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                      " ?11, ?12, ?13, ?14, ?15)"));
  {
    Query q(*stmt, "insert challenge");
    q.BindText(1, c.id).BindText(2, c.format).BindText(3, c.device_id).BindText(4, c.user_upn);
    q.BindText(5, c.profile).BindText(6, c.subject).BindText(7, sans).BindInt(8, c.key_usage);
    q.BindText(9, ekus).BindText(10, c.key_type).BindInt(11, c.min_key_size);
    q.BindInt(12, c.validity_days).BindText(13, c.purpose).BindInt(14, c.created_at);
    q.BindInt(15, c.expires_at);
    auto ran = q.Run();
    if (!ran && ran.error().code == ErrorCode::kAlreadyExists)
      return Fail(Error::AlreadyExists("challenge " + c.id + " already exists"));
    SG_TRY_STATUS(ran);
  }
  return tx.Commit();
}

Result<std::optional<ChallengeRecord>> SqliteStore::FindChallenge(std::string_view id) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(kSelectChallengeSql));
  Query q(*stmt, "find challenge");
  q.BindText(1, id);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  SG_ASSIGN_OR_RETURN(ChallengeRecord c, ReadChallenge(q));
  return c;
}

Result<ChallengeCounts> SqliteStore::CountChallenges(int64_t now) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("SELECT COALESCE(SUM(u.challenge_id IS NOT NULL), 0),"
                      " COALESCE(SUM(u.challenge_id IS NULL AND c.expires_at > ?1), 0),"
                      " COALESCE(SUM(u.challenge_id IS NULL AND c.expires_at <= ?1), 0)"
                      " FROM challenges c LEFT JOIN challenge_uses u ON u.challenge_id = c.id"));
  Query q(*stmt, "count challenges");
  q.BindInt(1, now);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return ChallengeCounts{};
  return ChallengeCounts{q.Int(0), q.Int(1), q.Int(2)};
}

Result<std::optional<ChallengeUse>> SqliteStore::FindChallengeUse(std::string_view challenge_id) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT challenge_id, transaction_id, public_key_sha256,"
                                      " cert_serial, used_at FROM challenge_uses"
                                      " WHERE challenge_id = ?1"));
  Query q(*stmt, "find challenge use");
  q.BindText(1, challenge_id);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  ChallengeUse use;
  use.challenge_id = q.Text(0);
  use.transaction_id = q.Text(1);
  use.public_key_sha256 = q.Text(2);
  use.cert_serial = q.Text(3);
  use.used_at = q.Int(4);
  return use;
}

// Inserts the use; a second use of the same challenge is kFailedPrecondition.
Status SqliteStore::InsertChallengeUseLocked(const ChallengeUse& use) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO challenge_uses (challenge_id, transaction_id,"
                                      " public_key_sha256, cert_serial, used_at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5)"));
  Query q(*stmt, "use challenge");
  q.BindText(1, use.challenge_id).BindText(2, use.transaction_id);
  q.BindText(3, use.public_key_sha256).BindText(4, use.cert_serial).BindInt(5, use.used_at);
  auto ran = q.Run();
  if (!ran && ran.error().code == ErrorCode::kAlreadyExists)
    return Fail(Error::FailedPrecondition("the challenge has already been used"));
  return ran;
}

}  // namespace scepgate::store
