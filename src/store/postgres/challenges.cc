// PostgresStore's one-time challenges and their single use. The use is spent once by the
// challenge_uses primary key: INSERT ... ON CONFLICT DO NOTHING inside the issuing (or holding)
// transaction, so a racing request waits for the one in flight and inserts nothing if it commits.
#include <string>

#include "store/json_lists.h"
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/violations.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

// Inserts only when the device exists (devices are never deleted), in one statement; the
// foreign key backs it up.
const pg::Prepared kInsert{
    "sg_insert_challenge",
    "INSERT INTO challenges (id, format, device_id, user_upn, profile, subject, sans, key_usage,"
    " ekus, key_type, min_key_size, validity_days, purpose, created_at, expires_at)"
    " SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::bigint,"
    " $9::text, $10::text, $11::integer, $12::integer, $13::text, $14::bigint, $15::bigint"
    " WHERE EXISTS (SELECT 1 FROM devices WHERE id = $3::text)"};
const pg::Prepared kFind{
    "sg_find_challenge",
    "SELECT id, format, device_id, user_upn, profile, subject, sans, key_usage, ekus, key_type,"
    " min_key_size, validity_days, purpose, created_at, expires_at FROM challenges"
    " WHERE id = $1"};
const pg::Prepared kFindUse{"sg_find_challenge_use",
                            "SELECT challenge_id, transaction_id, public_key_sha256, cert_serial,"
                            " used_at FROM challenge_uses WHERE challenge_id = $1"};
const pg::Prepared kUse{"sg_use_challenge",
                        "INSERT INTO challenge_uses (challenge_id, transaction_id,"
                        " public_key_sha256, cert_serial, used_at) VALUES ($1, $2, $3, $4, $5)"
                        " ON CONFLICT (challenge_id) DO NOTHING"};

ChallengeRecord ReadChallenge(pg::RowReader& in) {
  ChallengeRecord c;
  c.id = in.Text();
  c.format = in.Text();
  c.device_id = in.Text();
  c.user_upn = in.Text();
  c.profile = in.Text();
  c.subject = in.Text();
  c.sans = in.JsonList("SANs");
  c.key_usage = static_cast<uint32_t>(in.Int());
  c.ekus = in.JsonList("EKUs");
  c.key_type = in.Text();
  c.min_key_size = static_cast<int>(in.Int());
  c.validity_days = static_cast<int>(in.Int());
  c.purpose = in.Text();
  c.created_at = in.Int();
  c.expires_at = in.Int();
  return c;
}

ChallengeUse ReadUse(pg::RowReader& in) {
  ChallengeUse use;
  use.challenge_id = in.Text();
  use.transaction_id = in.Text();
  use.public_key_sha256 = in.Text();
  use.cert_serial = in.Text();
  use.used_at = in.Int();
  return use;
}

}  // namespace

namespace pg {

Status InsertChallengeUseRow(Connection& c, const ChallengeUse& use) {
  SG_ASSIGN_OR_RETURN(QueryResult done, Run(c, kUse,
                                            {use.challenge_id, use.transaction_id,
                                             use.public_key_sha256, use.cert_serial, use.used_at}));
  if (done.AffectedRows() != 1)
    return Fail(Error::FailedPrecondition("the challenge has already been used"));
  return {};
}

}  // namespace pg

Status PostgresStore::InsertChallenge(const ChallengeRecord& ch) {
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(ch.sans, "SANs"));
  SG_ASSIGN_OR_RETURN(std::string ekus, ListToJson(ch.ekus, "EKUs"));
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted =
        pg::Run(c, kInsert,
                {ch.id, ch.format, ch.device_id, ch.user_upn, ch.profile, ch.subject, sans,
                 static_cast<int64_t>(ch.key_usage), ekus, ch.key_type, ch.min_key_size,
                 ch.validity_days, ch.purpose, ch.created_at, ch.expires_at});
    Error no_device = Error::NotFound("device " + ch.device_id + " not found");
    if (!inserted) {
      return Fail(pg::Explain(
          inserted.error(), {{pg::kUniqueViolation, "challenges_pkey",
                              Error::AlreadyExists("challenge " + ch.id + " already exists")},
                             {pg::kForeignKeyViolation, "challenges_device_id_fkey", no_device}}));
    }
    if (inserted->AffectedRows() != 1) return Fail(no_device);
    return {};
  });
}

Result<std::optional<ChallengeRecord>> PostgresStore::FindChallenge(std::string_view id) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<ChallengeRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFind, {id}));
    return pg::ReadFirst(rows, ReadChallenge);
  });
}

Result<ChallengeCounts> PostgresStore::CountChallenges(int64_t now) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<ChallengeCounts> {
    SG_ASSIGN_OR_RETURN(
        pg::QueryResult rows,
        c.ExecParams("SELECT count(u.challenge_id),"
                     " count(*) FILTER (WHERE u.challenge_id IS NULL AND c.expires_at > $1),"
                     " count(*) FILTER (WHERE u.challenge_id IS NULL AND c.expires_at <= $1)"
                     " FROM challenges c LEFT JOIN challenge_uses u ON u.challenge_id = c.id",
                     {now}));
    SG_ASSIGN_OR_RETURN(auto counts, pg::ReadRows(rows, [](pg::RowReader& in) {
                          int64_t used = in.Int();
                          int64_t unused = in.Int();
                          return ChallengeCounts{used, unused, in.Int()};
                        }));
    return counts.empty() ? ChallengeCounts{} : counts.front();
  });
}

Result<std::optional<ChallengeUse>> PostgresStore::FindChallengeUse(std::string_view challenge_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<ChallengeUse>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFindUse, {challenge_id}));
    return pg::ReadFirst(rows, ReadUse);
  });
}

}  // namespace scepgate::store
