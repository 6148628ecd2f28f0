// The default Store: one SQLite file in WAL mode, with versioned migrations.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/sqlite_ptr.h"
#include "store/store.h"

namespace scepgate::store {

class Query;  // store/sqlite/statement.h

struct SqliteOptions {
  // Checkpoint the WAL on a background thread instead of inside a commit (the server's store;
  // short-lived commands keep SQLite's default).
  bool background_checkpoints = false;
  CheckpointOptions checkpoints;
};

// Thread-safe: the single connection, and the cache of prepared statements that belong to it,
// are guarded by `mu_`; each public method holds it for its whole duration. Several processes
// may open the same file (SQLite's file locks and a 5 s busy timeout arbitrate).
class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) the database file, sets the pragmas (WAL, synchronous=NORMAL,
  // foreign_keys, busy_timeout) and applies pending migrations. Returns kDatabase, with SQLite's
  // message and the file name, when the file cannot be opened or migrated, or when its schema
  // is newer than this build knows, or when the checkpoint connection cannot be opened.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& file,
                                                   const SqliteOptions& options = {});

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The schema version the file had once Open() finished migrating it.
  int SchemaVersion() const { return schema_version_; }
  // The background checkpointer, null unless the options asked for one.
  const Checkpointer* checkpointer() const { return checkpointer_.get(); }

  Status InsertCertificate(const CertificateRecord& cert) override;
  Result<int64_t> RecordIssuance(const Issuance& issuance) override;
  Result<std::optional<TransactionClaim>> FindTransaction(std::string_view transaction_id,
                                                          std::string_view renews) override;
  Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) override;
  Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<CertificateRecord>> FindLatestBySubject(std::string_view issuer_id,
                                                               std::string_view subject) override;
  Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) override;
  Result<std::vector<CertificateRecord>> CertificatesOfDevice(std::string_view device_id) override;
  Status Revoke(std::string_view serial, int reason, int64_t revoked_at) override;
  Status RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                         const OutboxEvent& event) override;
  Result<std::vector<Revocation>> RevokeMany(std::span<const std::string> serials, int reason,
                                             int64_t revoked_at,
                                             const RevokedEventFn& event_of) override;
  Result<std::vector<RevokedSerial>> ListRevoked(std::string_view issuer_id) override;

  Result<int64_t> InsertRequest(const RequestRecord& request) override;
  Result<int64_t> RecordRequest(const RequestRecord& request,
                                const std::vector<OutboxEvent>& events) override;
  Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) override;

  // One-time challenges (challenges.cc).
  Status InsertChallenge(const ChallengeRecord& challenge) override;
  Result<std::optional<ChallengeRecord>> FindChallenge(std::string_view id) override;
  Result<std::optional<ChallengeUse>> FindChallengeUse(std::string_view challenge_id) override;
  Result<ChallengeCounts> CountChallenges(int64_t now) override;

  // Requests awaiting approval (pending.cc).
  Result<int64_t> RecordPending(const RequestRecord& request, const PendingRecord& pending,
                                const std::optional<ChallengeUse>& use,
                                const TransactionClaim& claim) override;
  Result<std::optional<PendingRecord>> FindPendingByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<PendingRecord>> FindPending(int64_t request_id) override;
  Status DecidePending(int64_t request_id, const Decision& decision) override;

  // The outbox (outbox.cc).
  Result<int64_t> EnqueueEvent(const OutboxEvent& event) override;
  Result<std::vector<OutboxEvent>> DueEvents(int64_t now, int limit) override;
  Result<std::vector<OutboxEvent>> ClaimEvents(int64_t now, int limit, int lease_seconds,
                                               std::string_view owner,
                                               const EventScope& scope) override;
  Status MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                            const std::optional<RequestTransition>& then) override;
  Status MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                         int64_t next_attempt_at, bool give_up) override;
  Result<std::vector<OutboxEvent>> ListEvents(const EventFilter& filter) override;
  Result<std::map<std::string, int64_t>> CountEvents() override;
  Result<int> PruneEvents(int64_t created_before, int limit) override;

  // CRLs (claims.cc).
  Result<bool> StoreCrl(const CrlRecord& crl) override;
  Result<std::optional<CrlRecord>> FindCrl(std::string_view issuer_id) override;
  Result<std::optional<CrlRecord>> FindCrlIfChanged(std::string_view issuer_id,
                                                    int64_t known_number) override;

  Result<int64_t> NextCounter(std::string_view name) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;
  Result<bool> TakeLease(std::string_view name, std::string_view owner, int64_t now,
                         int64_t until) override;

  // The status report's view of many devices (sqlite/report_states.cc).
  Result<std::vector<ProfileDeviceState>> ProfileDeviceStates(
      std::string_view profile, std::span<const std::string> device_ids, int64_t now) override;
  // Renewals of the RA certificate and what each node serves (sqlite/ra_certs.cc).
  Status PublishRaCertificate(const RaCertificateRecord& record) override;
  Result<std::optional<RaCertificateRecord>> LatestRaCertificate(std::string_view key_id) override;
  Status ReportNodeRa(const NodeRaRecord& record) override;
  Result<std::vector<NodeRaRecord>> ListNodeRa() override;
  // Issuing CAs of the deployment (sqlite/issuers.cc).
  Status RegisterIssuer(const IssuerRecord& issuer) override;
  Result<std::vector<IssuerRecord>> ListIssuers() override;
  Status SetIssuerActive(std::string_view id, bool active) override;
  Status WantCrl(std::string_view id) override;
  Status CrlPublished(std::string_view id, int64_t wanted) override;
  Status RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) override;

  // The directory (directory.cc).
  Status InsertDevice(const DeviceRecord& device) override;
  Result<std::optional<DeviceRecord>> FindDevice(std::string_view id) override;
  Result<std::vector<DeviceRecord>> ListDevices(const DeviceFilter& filter) override;
  Status RetireDevice(std::string_view id, int64_t retired_at) override;
  Status InsertUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> FindUser(std::string_view upn) override;
  Result<std::vector<UserRecord>> ListUsers(const UserFilter& filter) override;
  Status DisableUser(std::string_view upn, int64_t disabled_at) override;
  Status UpdateUserIdentity(const UserRecord& user) override;
  Status InsertGroup(const GroupRecord& group) override;
  Result<std::optional<GroupRecord>> FindGroup(std::string_view name) override;
  Result<std::vector<GroupRecord>> ListGroups(const GroupFilter& filter) override;
  Status AddGroupMember(std::string_view group, const GroupMember& member) override;
  Status RemoveGroupMember(std::string_view group, const GroupMember& member) override;
  Result<std::vector<GroupMember>> ListGroupMembers(std::string_view group,
                                                    const MemberFilter& filter) override;
  Result<MemberCounts> CountGroupMembers(std::string_view group) override;
  Result<std::vector<GroupRecord>> GroupsOf(const GroupMember& member) override;
  Result<DirectoryBatchOutcome> ApplyDirectoryBatch(const DirectoryBatch& batch) override;

  // Profiles and assignments (profiles.cc).
  Status InsertProfile(const ProfileRecord& profile) override;
  Result<std::optional<ProfileRecord>> FindProfile(std::string_view name) override;
  Result<std::vector<ProfileRecord>> ListProfiles() override;
  Status UpdateProfile(const ProfileRecord& profile) override;
  Status DeleteProfile(std::string_view name) override;
  Status AddAssignment(std::string_view profile, std::string_view group) override;
  Status RemoveAssignment(std::string_view profile, std::string_view group) override;
  Result<std::vector<GroupRecord>> ListAssignments(std::string_view profile) override;
  Result<std::vector<ProfileRecord>> ProfilesAssignedTo(std::string_view group) override;

  // REST API tokens and the audit log (tokens_audit.cc).
  Status InsertToken(const TokenRecord& token) override;
  Result<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Status RevokeToken(std::string_view id, int64_t revoked_at) override;
  Result<int64_t> AppendAudit(const AuditRecord& entry) override;
  Result<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter) override;

 private:
  SqliteStore(SqlitePtr db, int schema_version);

  // Each *Locked helper expects `mu_` to be held.
  // Returns the cached statement for `sql`, preparing it on first use. kDatabase.
  Result<sqlite3_stmt*> StatementLocked(const std::string& sql);
  Status InsertCertificateLocked(const CertificateRecord& cert);
  Result<int64_t> InsertRequestLocked(const RequestRecord& request);
  // Revokes a valid certificate: true when it changed, false when it is unknown or already
  // revoked. kDatabase.
  Result<bool> RevokeLocked(std::string_view serial, int reason, int64_t revoked_at);
  using BindOne = std::function<void(Query&)>;
  // The first pending row matching `where` (bound by `bind`), nullopt when none. kDatabase.
  Result<std::optional<PendingRecord>> SelectPendingLocked(const std::string& where,
                                                           const BindOne& bind);
  // Marks an approved pending request issued with `serial`. kFailedPrecondition when it is not
  // approved (or already issued), kDatabase.
  Status CompletePendingLocked(int64_t request_id, std::string_view serial);
  // Queues an event about request `request_id` (0: none). Returns its id; kDatabase.
  Result<int64_t> EnqueueEventLocked(const OutboxEvent& event, int64_t request_id);
  Result<std::vector<OutboxEvent>> SelectEventsLocked(const std::string& sql,
                                                      const std::function<void(Query&)>& bind);
  // Revoke's body: kNotFound / kAlreadyExists as Revoke.
  Status RevokeOrExplainLocked(std::string_view serial, int reason, int64_t revoked_at);
  // kFailedPrecondition when the challenge has already been used, kDatabase otherwise.
  Status InsertChallengeUseLocked(const ChallengeUse& use);
  // Claims a transaction (claims.cc). kConflict when it is claimed already, kDatabase otherwise.
  Status InsertClaimLocked(const TransactionClaim& claim);
  // Fills in the serial of the claim made by held request `request_id`. kDatabase.
  Status FillClaimLocked(int64_t request_id, std::string_view serial);
  // Runs a certificate SELECT whose parameters `bind` sets; returns every row. `with_seq`: the
  // query is kSelectCertificatesWithSeqSql's, and each record gets its seq.
  template <class BindFn>
  Result<std::vector<CertificateRecord>> SelectCertificatesLocked(const std::string& sql,
                                                                  BindFn bind,
                                                                  bool with_seq = false);
  // Runs a SELECT whose parameters `bind` sets and returns every row, read by `read`.
  template <class Row, class BindFn, class ReadFn>
  Result<std::vector<Row>> SelectLocked(const std::string& sql, BindFn bind, ReadFn read);
  // True when `sql` (a SELECT with parameter ?1 = `key`) yields a row. kDatabase.
  Result<bool> ExistsLocked(const std::string& sql, std::string_view key);
  // Returns the rowid of the group named `name` (any case), or kNotFound naming it.
  Result<int64_t> GroupIdLocked(std::string_view name);
  // Returns the rowid of the profile named `name` (any case), or kNotFound naming it.
  Result<int64_t> ProfileIdLocked(std::string_view name);
  // Runs a profile SELECT whose parameters `bind` sets and returns every row. kDatabase, also
  // for a row whose JSON lists are malformed.
  Result<std::vector<ProfileRecord>> SelectProfilesLocked(const std::string& sql,
                                                          const std::function<void(Query&)>& bind);
  // Runs an UPDATE on one row keyed by ?1 (a device id or UPN) that only matches while the row is
  // in its old state (?2 = `at`). When nothing changed: kNotFound ("<what> not found") when
  // `exists_sql` finds no row, else kAlreadyExists ("<what> is already <state>").
  Status UpdateOnceLocked(const std::string& update_sql, const std::string& exists_sql,
                          std::string_view key, int64_t at, const std::string& what,
                          std::string_view state);

  std::mutex mu_;
  // Declared after the mutex it takes and before the connection, whose WAL hook points at it:
  // it stops before the mutex goes and outlives the connection.
  std::unique_ptr<Checkpointer> checkpointer_;
  // Statements are declared after the connection so they are finalized first.
  SqlitePtr db_;                                               // guarded by mu_
  std::unordered_map<std::string, SqliteStmtPtr> statements_;  // guarded by mu_
  const int schema_version_;
};

}  // namespace scepgate::store
