// The shared Store: one PostgreSQL database that several scepgate processes (nodes) use at once,
// with versioned migrations (migrations.h). Same results, error codes, ordering and ASCII
// case-insensitivity as SqliteStore; every exactly-once rule of store.h is a constraint or one
// atomic statement in the database (docs/consistency.md), so it holds across nodes.
//
// A lost connection (the server restarted, failed over, or the network dropped): every method
// then returns kUnavailable, the code pg_error.h gives to nothing else, and the pool opens fresh
// connections for later calls. Methods that only read run once more on a fresh connection first.
// A write is never repeated inside the store: when the connection was lost in the middle of it,
// kUnavailable means its outcome is unknown (it may have committed), and the caller decides,
// typically by reading back what it wrote (FindTransaction after RecordIssuance, ...). Only a write
// whose transaction could not even begin is started once more, since nothing of it was sent.
// kDatabase also comes from a pool that has no free connection within acquire_timeout.
//
// Text is PostgreSQL text: valid UTF-8 without zero bytes. A record with other bytes in a text
// field is refused (kDatabase) and nothing of it is written, where SqliteStore keeps the bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "store/postgres/pool.h"
#include "store/store.h"

namespace scepgate::store {

struct PostgresOptions {
  std::string dsn;       // libpq URI or key=value string
  std::string password;  // "" = the DSN's, or libpq's password file
  size_t pool_size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
};

// Thread-safe: each call leases its own connection from the pool (at most pool_size at once;
// callers beyond that wait up to acquire_timeout). Any number of processes may open the same
// database.
class PostgresStore final : public Store {
 public:
  // Connects, and applies pending migrations under the migration lock. Returns kInvalidArgument
  // for a DSN that does not parse, kUnavailable when the server cannot be reached,
  // kFailedPrecondition when the database was migrated by a newer scepgate ("the database is at
  // schema version N; this scepgate knows up to M: upgrade scepgate"), and the failing statement's
  // error when a migration fails.
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);

  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // The schema version the database had once Open() finished migrating it.
  int SchemaVersion() const { return schema_version_; }

  // Certificates and CRLs (certificates.cc, claims.cc).
  Status InsertCertificate(const CertificateRecord& cert) override;
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
  Result<bool> StoreCrl(const CrlRecord& crl) override;
  Result<std::optional<CrlRecord>> FindCrl(std::string_view issuer_id) override;
  Result<std::optional<CrlRecord>> FindCrlIfChanged(std::string_view issuer_id,
                                                    int64_t known_number) override;

  // Requests, claims and issuance (requests.cc, claims.cc).
  Result<int64_t> RecordIssuance(const Issuance& issuance) override;
  Result<std::optional<TransactionClaim>> FindTransaction(std::string_view transaction_id,
                                                          std::string_view renews) override;
  Result<int64_t> InsertRequest(const RequestRecord& request) override;
  Result<int64_t> RecordRequest(const RequestRecord& request,
                                const std::vector<OutboxEvent>& events) override;
  Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) override;

  // Requests awaiting approval (pending.cc).
  Result<int64_t> RecordPending(const RequestRecord& request, const PendingRecord& pending,
                                const std::optional<ChallengeUse>& use,
                                const TransactionClaim& claim) override;
  Result<std::optional<PendingRecord>> FindPendingByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<PendingRecord>> FindPending(int64_t request_id) override;
  Status DecidePending(int64_t request_id, const Decision& decision) override;

  // One-time challenges (challenges.cc).
  Status InsertChallenge(const ChallengeRecord& challenge) override;
  Result<std::optional<ChallengeRecord>> FindChallenge(std::string_view id) override;
  Result<std::optional<ChallengeUse>> FindChallengeUse(std::string_view challenge_id) override;
  Result<ChallengeCounts> CountChallenges(int64_t now) override;

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

  // Counters and settings (settings.cc).
  Result<int64_t> NextCounter(std::string_view name) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;
  Result<bool> TakeLease(std::string_view name, std::string_view owner, int64_t now,
                         int64_t until) override;

  // The status report's view of many devices (postgres/report_states.cc).
  Result<std::vector<ProfileDeviceState>> ProfileDeviceStates(
      std::string_view profile, std::span<const std::string> device_ids, int64_t now) override;
  // Renewals of the RA certificate and what each node serves (postgres/ra_certs.cc).
  Status PublishRaCertificate(const RaCertificateRecord& record) override;
  Result<std::optional<RaCertificateRecord>> LatestRaCertificate(std::string_view key_id) override;
  Status ReportNodeRa(const NodeRaRecord& record) override;
  Result<std::vector<NodeRaRecord>> ListNodeRa() override;
  // Issuing CAs of the deployment (postgres/issuers.cc).
  Status RegisterIssuer(const IssuerRecord& issuer) override;
  Result<std::vector<IssuerRecord>> ListIssuers() override;
  Status SetIssuerActive(std::string_view id, bool active) override;
  Status WantCrl(std::string_view id) override;
  Status CrlPublished(std::string_view id, int64_t wanted) override;
  Status RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) override;

  // The directory (directory.cc, groups.cc).
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
  PostgresStore(std::unique_ptr<pg::Pool> pool, int schema_version);

  std::unique_ptr<pg::Pool> pool_;  // thread-safe itself
  const int schema_version_;
};

}  // namespace scepgate::store
