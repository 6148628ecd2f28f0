// An in-memory Store for unit tests of other modules. Same semantics as SqliteStore (ordering,
// error codes, atomic RecordIssuance); nothing survives the object.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/store.h"

namespace scepgate::store {

// Thread-safe: all state is guarded by `mu_`, held for the whole of each public method.
class MemoryStore final : public Store {
 public:
  MemoryStore() = default;

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

  // One-time challenges (memory_challenges.cc).
  Status InsertChallenge(const ChallengeRecord& challenge) override;
  Result<std::optional<ChallengeRecord>> FindChallenge(std::string_view id) override;
  Result<std::optional<ChallengeUse>> FindChallengeUse(std::string_view challenge_id) override;
  Result<ChallengeCounts> CountChallenges(int64_t now) override;

  // Requests awaiting approval (memory_pending.cc).
  Result<int64_t> RecordPending(const RequestRecord& request, const PendingRecord& pending,
                                const std::optional<ChallengeUse>& use,
                                const TransactionClaim& claim) override;
  Result<std::optional<PendingRecord>> FindPendingByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<PendingRecord>> FindPending(int64_t request_id) override;
  Status DecidePending(int64_t request_id, const Decision& decision) override;

  // The outbox (memory_outbox.cc).
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

  Result<bool> StoreCrl(const CrlRecord& crl) override;
  Result<std::optional<CrlRecord>> FindCrl(std::string_view issuer_id) override;
  Result<std::optional<CrlRecord>> FindCrlIfChanged(std::string_view issuer_id,
                                                    int64_t known_number) override;

  Result<int64_t> NextCounter(std::string_view name) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;
  Result<bool> TakeLease(std::string_view name, std::string_view owner, int64_t now,
                         int64_t until) override;

  // The status report's view of many devices (memory_report_states.cc).
  Result<std::vector<ProfileDeviceState>> ProfileDeviceStates(
      std::string_view profile, std::span<const std::string> device_ids, int64_t now) override;
  // Renewals of the RA certificate and what each node serves (memory_ra_certs.cc).
  Status PublishRaCertificate(const RaCertificateRecord& record) override;
  Result<std::optional<RaCertificateRecord>> LatestRaCertificate(std::string_view key_id) override;
  Status ReportNodeRa(const NodeRaRecord& record) override;
  Result<std::vector<NodeRaRecord>> ListNodeRa() override;
  // Issuing CAs of the deployment (memory_issuers.cc).
  Status RegisterIssuer(const IssuerRecord& issuer) override;
  Result<std::vector<IssuerRecord>> ListIssuers() override;
  Status SetIssuerActive(std::string_view id, bool active) override;
  Status WantCrl(std::string_view id) override;
  Status CrlPublished(std::string_view id, int64_t wanted) override;
  Status RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) override;

  // The directory (memory_directory.cc).
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

  // Profiles and assignments (memory_profiles.cc).
  Status InsertProfile(const ProfileRecord& profile) override;
  Result<std::optional<ProfileRecord>> FindProfile(std::string_view name) override;
  Result<std::vector<ProfileRecord>> ListProfiles() override;
  Status UpdateProfile(const ProfileRecord& profile) override;
  Status DeleteProfile(std::string_view name) override;
  Status AddAssignment(std::string_view profile, std::string_view group) override;
  Status RemoveAssignment(std::string_view profile, std::string_view group) override;
  Result<std::vector<GroupRecord>> ListAssignments(std::string_view profile) override;
  Result<std::vector<ProfileRecord>> ProfilesAssignedTo(std::string_view group) override;

  // REST API tokens and the audit log (memory_tokens_audit.cc).
  Status InsertToken(const TokenRecord& token) override;
  Result<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Status RevokeToken(std::string_view id, int64_t revoked_at) override;
  Result<int64_t> AppendAudit(const AuditRecord& entry) override;
  Result<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter) override;

 private:
  // A member's place in its group: kind, then the folded id (the stores' membership key).
  using MemberKey = std::pair<MemberKind, std::string>;
  static MemberKey KeyOf(const GroupMember& member);
  struct GroupEntry {
    GroupRecord group;
    std::map<MemberKey, GroupMember> members;
  };
  struct ProfileEntry {
    ProfileRecord profile;
    std::set<std::string, std::less<>> groups;  // folded names of the assigned groups
  };
  // Each *Locked helper expects `mu_` to be held.
  Status CheckSerialFreeLocked(const std::string& serial) const;
  int64_t AppendRequestLocked(RequestRecord request);
  // Revokes a valid certificate: true when it changed, false when unknown or already revoked.
  bool RevokeLocked(std::string_view serial, int reason, int64_t revoked_at);
  // Revoke's body: kNotFound / kAlreadyExists as Revoke.
  Status RevokeOrExplainLocked(std::string_view serial, int reason, int64_t revoked_at);
  // Marks an approved pending request issued with `serial`; kFailedPrecondition otherwise.
  Status CompletePendingLocked(int64_t request_id, const std::string& serial);
  // Queues an event about request `request_id`; returns its id.
  int64_t EnqueueLocked(OutboxEvent event, int64_t request_id);
  // Ends the lease `owner` holds on pending event `id` and returns the event; kConflict (and no
  // change) when it is not leased to `owner`. Call with mu_ held.
  Result<OutboxEvent*> EndLeaseLocked(int64_t id, std::string_view owner);
  // Certificates matching `keep`, newest first (created_at, then insertion order).
  template <class Pred>
  std::vector<CertificateRecord> NewestFirstLocked(Pred keep) const;
  DeviceRecord* DeviceLocked(std::string_view id);
  // Returns the group, or kNotFound naming it.
  Result<GroupEntry*> GroupLocked(std::string_view name);
  // Returns the profile, or kNotFound naming it.
  Result<ProfileEntry*> ProfileLocked(std::string_view name);
  // kNotFound when the device or user `member` names does not exist.
  Status CheckMemberExistsLocked(const GroupMember& member) const;

  std::mutex mu_;
  std::vector<CertificateRecord> certs_;                      // insertion order; guarded by mu_
  std::map<std::string, size_t, std::less<>> cert_index_;     // serial -> certs_ index; mu_
  std::vector<RequestRecord> requests_;                       // id order; guarded by mu_
  std::map<std::string, int64_t, std::less<>> counters_;      // guarded by mu_
  std::vector<IssuerRecord> issuers_;                         // registration order; mu_
  std::vector<RaCertificateRecord> ra_certs_;                 // publication order; mu_
  std::map<std::string, NodeRaRecord, std::less<>> node_ra_;  // by node; guarded by mu_
  std::map<std::string, std::string, std::less<>> settings_;  // guarded by mu_
  struct NamedLease {
    std::string owner;
    int64_t until = 0;
  };
  std::map<std::string, NamedLease, std::less<>> named_leases_;  // guarded by mu_
  std::vector<DeviceRecord> devices_;                            // insertion order; mu_
  std::map<std::string, UserRecord, std::less<>> users_;         // folded UPN -> user; mu_
  std::map<std::string, GroupEntry, std::less<>> groups_;        // folded name -> group; mu_
  // Folded name -> profile; guarded by mu_.
  std::map<std::string, ProfileEntry, std::less<>> profiles_;
  std::map<std::string, ChallengeRecord, std::less<>> challenges_;   // by id; guarded by mu_
  std::map<std::string, ChallengeUse, std::less<>> challenge_uses_;  // by id; guarded by mu_
  std::map<int64_t, OutboxEvent> outbox_;                            // by id; guarded by mu_
  int64_t next_event_id_ = 1;                                        // guarded by mu_
  std::map<int64_t, PendingRecord> pending_;  // by request id; guarded by mu_
  struct Lease {
    std::string owner;
    int64_t until = 0;
  };
  std::map<int64_t, Lease> leases_;  // outbox event id -> its lease; guarded by mu_
  // (transaction_id, renews) -> claim; guarded by mu_.
  std::map<std::pair<std::string, std::string>, TransactionClaim> claims_;
  std::map<std::string, CrlRecord, std::less<>> crls_;  // by issuer id; guarded by mu_

  std::vector<TokenRecord> tokens_;  // insertion order; guarded by mu_
  std::vector<AuditRecord> audit_;   // id order (id = index + 1); guarded by mu_
};

}  // namespace scepgate::store
