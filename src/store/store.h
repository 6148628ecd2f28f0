// The persistence boundary. The store keeps records; it knows nothing of policy.
// Implementations: sqlite/SqliteStore (default), memory_store.h (unit tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"

namespace scepgate::store {

enum class CertStatus { kValid, kRevoked };

struct CertificateRecord {
  std::string serial;             // lower-case hex, no leading zeros
  std::string issuer_id;          // SHA-256 thumbprint (hex) of the issuing CA certificate
  std::string subject;            // RFC 2253 form
  std::vector<std::string> sans;  // "DNS:x", "email:x", "IP:x", "URI:x", "UPN:x"
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::string sha1;                   // thumbprint of the DER, hex
  std::string sha256;                 // thumbprint of the DER, hex
  std::string public_key_sha256;      // SHA-256 of the SubjectPublicKeyInfo DER, hex
  std::string transaction_id;         // of the request that produced it
  std::string request_signer_sha256;  // thumbprint of the request's signer certificate
  std::string template_name;
  Bytes der;
  CertStatus status = CertStatus::kValid;
  int64_t revoked_at = 0;
  int revocation_reason = 0;  // RFC 5280 reason code
  int64_t created_at = 0;
  // What the certificate was issued for ("" / 0 when issued without a profile, e.g. on a static
  // challenge). A renewal keeps the links of the certificate it renews.
  std::string device_id;
  std::string user_upn;
  std::string profile;
  std::string challenge_id;
  int64_t request_id = 0;  // the request that produced it; set by RecordIssuance
};

// One PKIOperation (or other SCEP request worth keeping), whatever its outcome.
struct RequestRecord {
  int64_t id = 0;              // assigned by the store
  std::string correlation_id;  // also in the log line
  std::string transaction_id;
  std::string
      message_type;   // "PKCSReq", "RenewalReq", "CertPoll", "GetCert", "GetCRL", "" if unparsed
  std::string state;  // "issued", "failed", "pending", "answered"
  std::string fail_info;  // "badRequest", ... ("" unless failed)
  std::string reason;     // human reason / stable code
  std::string signer_subject;
  std::string signer_sha256;
  std::string cert_serial;  // issued or returned certificate
  std::string remote_addr;
  bool renewal = false;
  int64_t created_at = 0;
  int64_t duration_us = 0;
  // Known once the challenge (or the renewed certificate) has been read; "" otherwise.
  std::string device_id;
  std::string user_upn;
  std::string profile;
  std::string challenge_id;
  std::string stage;  // where a failed request stopped: "parse", "verify", "issue"
};

// A one-time challenge as minted: its id and what a request presenting it must look like.
// For the "stored" format the id is the SHA-256 (hex) of the challenge; the challenge itself is
// never stored. For "sealed" the id is the one it carries; the row is kept for reports only.
struct ChallengeRecord {
  std::string id;
  std::string format = "stored";  // "stored" | "sealed"
  std::string device_id;
  std::string user_upn;  // the device's owner at mint time, "" when none
  std::string profile;
  std::string subject;            // RFC 4514 form, "" when the profile sets none
  std::vector<std::string> sans;  // san_text form
  uint32_t key_usage = 0;         // KU_* bits
  std::vector<std::string> ekus;  // dotted OIDs
  std::string key_type;           // "rsa" | "ec"
  int min_key_size = 0;
  int validity_days = 0;
  std::string purpose;  // signature|encryption|general
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// The one use of a challenge: written with the certificate it produced.
struct ChallengeUse {
  std::string challenge_id;
  std::string transaction_id;
  std::string public_key_sha256;
  std::string cert_serial;  // filled by RecordIssuance
  int64_t used_at = 0;
};

// A notification waiting in (or delivered from) the outbox. The row id is the event's id.
struct OutboxEvent {
  int64_t id = 0;          // assigned by the store
  std::string type;        // "certificate.issued", "request.failed", "certificate.revoked"
  std::string payload;     // JSON object: the event's data
  int64_t request_id = 0;  // the request it is about, when any; set by the store with the request
  int64_t created_at = 0;
  std::string state = "pending";  // "pending" | "delivered" | "dead" (gave up)
  int attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t delivered_at = 0;
  std::string last_error;
};

struct EventFilter {
  std::optional<std::string> state;
  int limit = 0;  // 0 = no limit; newest first
};

// A request held for an administrator's decision (profiles that require approval): what is
// needed to issue it later. The request record itself says "pending" meanwhile.
struct PendingRecord {
  int64_t request_id = 0;  // set by the store
  std::string transaction_id;
  std::string public_key_sha256;
  std::string signer_sha256;
  Bytes csr;                         // DER
  std::string grant_json;            // what the policy granted, as the service serialises it
  std::string decision = "pending";  // "pending" | "approved" | "rejected" | "issued"
  std::string reason;                // why rejected, when rejected
  int64_t decided_at = 0;
};

// A SCEP transaction, claimed by the first request that is issued or held for it: at most one
// claim per (transaction_id, renews), whatever number of copies arrive at once, on however many
// connections, processes or nodes. Copies that lose read the claim and answer with its outcome.
struct TransactionClaim {
  std::string transaction_id;
  // The serial of the certificate a renewal is signed with; "" for a first enrollment (signed
  // with a self-signed certificate over the requested key). A renewal is a transaction of its own.
  std::string renews;
  std::string public_key_sha256;  // of the key the transaction asks to certify
  int64_t request_id = 0;         // the request that claimed it; set by the store
  std::string serial;             // the certificate issued for it; "" while held for approval
  int64_t created_at = 0;
};

// A signed CRL as published for one issuing CA.
struct CrlRecord {
  std::string issuer_id;
  int64_t number = 0;  // the CRL number (RFC 5280 5.2.3), strictly increasing per issuer
  int64_t this_update = 0;
  Bytes der;
};

// The decision on a held request, and what it does to the request's record.
struct Decision {
  std::string decision;  // "approved" | "rejected"
  std::string reason;    // why rejected; "" when approved
  int64_t at = 0;
  // The held request's record is updated to these in the same transaction.
  std::string request_state;
  std::string request_reason;
  std::string request_stage;
  std::string request_fail_info;
  std::optional<OutboxEvent> event;  // queued with the decision when set
};

// A change of a request's state made together with another write: applied only when the record
// is in state `from`.
struct RequestTransition {
  std::string from;
  std::string to;
};

// Everything one issuance writes, in one transaction.
struct Issuance {
  // Claimed with the issuance (kConflict when taken). Not set for an issuance that completes an
  // approved request: the hold claimed it, and the issuance fills in its serial.
  std::optional<TransactionClaim> claim;
  CertificateRecord cert;
  RequestRecord request;                      // linked to the serial by RecordIssuance
  std::optional<ChallengeUse> challenge_use;  // consumed, once only
  // A certificate this one supersedes, revoked (reason superseded) in the same transaction when
  // set; nothing happens when it is already revoked.
  std::optional<std::string> supersedes;
  int supersede_reason = 0;  // the RFC 5280 reason the superseded certificate is revoked with
  std::vector<OutboxEvent> events;  // queued with it; their request_id is set to the request's
  // When the issuance completes an approved pending request: that request id. Its record moves to
  // "issued" with the serial, and the pending decision to "issued".
  int64_t completes_pending = 0;
};

struct CertFilter {
  std::optional<CertStatus> status;
  std::optional<std::string> issuer_id;
  int limit = 0;  // 0 = no limit; newest first
};

// A managed device. Retired, never deleted: certificates will point at it.
struct DeviceRecord {
  std::string id;  // UUID v4, lower-case, minted by scepgate
  std::string name;
  std::string platform;       // windows|ios|ipados|macos|android|linux|network
  std::string serial_number;  // may be empty
  std::string owner;          // a user's UPN, "" when none
  bool retired = false;
  int64_t retired_at = 0;
  int64_t created_at = 0;
};

// A directory user. Disabled, never deleted. The UPN is unique regardless of (ASCII) case.
struct UserRecord {
  std::string upn;  // stored as given
  std::string email;
  std::string sid;         // Windows SID ("S-1-5-21-..."), may be empty
  std::string on_prem_dn;  // on-premises distinguished name, may be empty
  // The UPN, e-mail, SID and DN were set by an admin (token or the local CLI), not an operator:
  // only then may an operator mint a challenge whose certificate carries them (mgmt/tokens.h).
  bool identity_by_admin = false;
  bool disabled = false;
  int64_t disabled_at = 0;
  int64_t created_at = 0;
};

// A group with static members. The name is unique regardless of (ASCII) case.
struct GroupRecord {
  std::string name;
  std::string description;
  int64_t created_at = 0;
};

enum class MemberKind { kDevice, kUser };

// A group member: a device (by id) or a user (by UPN).
struct GroupMember {
  MemberKind kind = MemberKind::kDevice;
  std::string id;  // device id or user UPN
};

// A SCEP profile: what a certificate for a targeted device or user must look like. The name is
// unique regardless of (ASCII) case. The store keeps the fields as given; mgmt validates them.
struct ProfileRecord {
  std::string name;
  std::string cert_type = "device";  // "device" or "user"
  std::string subject;               // subject name format, with {{Variable}}s; may be empty
  std::vector<std::string> sans;     // "dns:FORMAT", "email:FORMAT", "upn:FORMAT", "uri:FORMAT"
  bool strong_mapping = false;       // add the tag:microsoft.com,2022-09-14:sid:<SID> URI SAN
  std::string purpose = "general";   // signature|encryption|general
  std::vector<std::string> ekus;     // short names or dotted OIDs
  std::string key_type = "rsa";      // rsa|ec
  int min_key_size = 2048;
  std::string hash = "sha256";  // sha256|sha384|sha512
  int validity_days = 365;
  int renewal_threshold = 20;     // percent of the lifetime left when renewal starts
  std::vector<std::string> urls;  // SCEP server URLs
  std::string trusted_ca;         // SHA-256 thumbprint (lower-case hex) of the trusted CA cert
  bool require_approval = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct DeviceFilter {
  std::optional<std::string> owner;  // only devices of this UPN (any case)
  bool include_retired = false;
  int limit = 0;  // 0 = no limit; oldest first
};

struct RequestFilter {
  std::optional<std::string> state;
  std::optional<std::string> transaction_id;
  std::optional<std::string> device_id;
  int limit = 0;  // 0 = no limit; newest first
};

// A bearer token of the REST API. Only the SHA-256 of the secret is kept, never the secret.
struct TokenRecord {
  std::string id;    // short public id (hex), shown in lists and in the audit log
  std::string name;  // free text, may be empty
  std::string role;  // "admin" | "operator" | "auditor"
  std::string hash;  // SHA-256 (lower-case hex) of the token; unique
  int64_t created_at = 0;
  bool revoked = false;
  int64_t revoked_at = 0;
  int64_t expires_at = 0;  // unix seconds from which the token is refused; 0 = never
};

// One change made through the CLI or the REST API, whatever its outcome.
struct AuditRecord {
  int64_t id = 0;  // assigned by the store
  int64_t at = 0;
  std::string actor;    // "token:<id> (<name>)" or "cli:<unix user>"
  std::string action;   // "device.add", "profile.update", ...
  std::string target;   // what it acted on (device id, UPN, name, serial); "" when none
  std::string args;     // JSON object of the arguments given, never a secret
  std::string outcome;  // "ok", or the error code's name ("notFound", ...)
  std::string detail;   // the error message; "" on success
};

struct AuditFilter {
  int limit = 0;  // 0 = no limit; newest first
};

// Thread-safe: every implementation may be called from several threads at once.
class Store {
 public:
  virtual ~Store() = default;

  // Stores a new certificate. Returns kAlreadyExists when the serial is taken, kDatabase otherwise.
  virtual Status InsertCertificate(const CertificateRecord& cert) = 0;
  // Stores the request record, the transaction's claim, the certificate (linked to the request),
  // the challenge's use and the revocation of the superseded certificate in one transaction (all
  // or nothing). Across threads and processes (and nodes, on a shared backend): one claim per
  // transaction, one use per challenge, one certificate per serial, one issuance per approved
  // request; the checks are in that order, so a copy of a transaction learns of the copy that
  // won before it learns that the challenge is spent.
  // Returns the request id; kConflict when the transaction is claimed already (read it with
  // FindTransaction), kFailedPrecondition when the challenge has already been used or the
  // approved request was issued already, kAlreadyExists when the serial is taken, kDatabase.
  virtual Result<int64_t> RecordIssuance(const Issuance& issuance) = 0;
  // Returns the claim on (transaction_id, renews), nullopt when none; kDatabase.
  virtual Result<std::optional<TransactionClaim>> FindTransaction(std::string_view transaction_id,
                                                                  std::string_view renews) = 0;
  // Returns the certificate with this serial (lower-case hex), nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) = 0;
  // Returns every certificate issued for this transaction ID, oldest first; kDatabase.
  virtual Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) = 0;
  // Returns the newest certificate with this issuer and subject, nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindLatestBySubject(
      std::string_view issuer_id, std::string_view subject) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) = 0;
  // The certificates linked to a device, newest first. kDatabase.
  virtual Result<std::vector<CertificateRecord>> CertificatesOfDevice(
      std::string_view device_id) = 0;
  // Marks the certificate revoked. Returns kNotFound for an unknown serial, kAlreadyExists when
  // it is already revoked, kDatabase otherwise.
  virtual Status Revoke(std::string_view serial, int reason, int64_t revoked_at) = 0;
  // The same, queueing `event` in the same transaction (nothing is queued when it fails).
  virtual Status RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                                 const OutboxEvent& event) = 0;

  // Stores a request record and returns its id. kDatabase.
  virtual Result<int64_t> InsertRequest(const RequestRecord& request) = 0;
  // Stores a request record and queues the events about it (their request_id set to its id), in
  // one transaction. Returns the request id; kDatabase.
  virtual Result<int64_t> RecordRequest(const RequestRecord& request,
                                        const std::vector<OutboxEvent>& events) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) = 0;

  // One-time challenges (store/memory_challenges.cc, sqlite/challenges.cc).

  // Stores a minted challenge. kAlreadyExists when the id is taken, kNotFound when the device
  // does not exist, kDatabase otherwise.
  virtual Status InsertChallenge(const ChallengeRecord& challenge) = 0;
  // Returns the challenge with this id, nullopt when none; kDatabase.
  virtual Result<std::optional<ChallengeRecord>> FindChallenge(std::string_view id) = 0;
  // Returns the use of the challenge with this id, nullopt when unused; kDatabase.
  virtual Result<std::optional<ChallengeUse>> FindChallengeUse(std::string_view challenge_id) = 0;

  // Requests awaiting approval (store/memory_pending.cc, sqlite/pending.cc).

  // Stores the request record (state "pending"), the pending row, the transaction's claim (with no
  // serial) and the challenge's use in one transaction. Returns the request id; kConflict when
  // the transaction is claimed already, kFailedPrecondition when the challenge is used already,
  // kDatabase otherwise.
  virtual Result<int64_t> RecordPending(const RequestRecord& request, const PendingRecord& pending,
                                        const std::optional<ChallengeUse>& use,
                                        const TransactionClaim& claim) = 0;
  // The newest pending row of a transaction, nullopt when none; kDatabase.
  virtual Result<std::optional<PendingRecord>> FindPendingByTransaction(
      std::string_view transaction_id) = 0;
  // The pending row of a request, nullopt when none; kDatabase.
  virtual Result<std::optional<PendingRecord>> FindPending(int64_t request_id) = 0;
  // Decides a pending request once: the pending row takes the decision only while it is still
  // "pending" (a conditional update, so of two deciders racing in any processes exactly one
  // wins); its request record is updated and the event queued in the same transaction.
  // kNotFound for a request that was never pending, kFailedPrecondition when already decided
  // (the message names the decision); kDatabase.
  virtual Status DecidePending(int64_t request_id, const Decision& decision) = 0;

  // The outbox (store/memory_outbox.cc, sqlite/outbox.cc).

  // Queues an event on its own. Returns its id; kDatabase.
  virtual Result<int64_t> EnqueueEvent(const OutboxEvent& event) = 0;
  // Pending events whose next attempt is due at `now`, oldest first, at most `limit`, whether
  // leased or not (a view; workers use ClaimEvents). kDatabase.
  virtual Result<std::vector<OutboxEvent>> DueEvents(int64_t now, int limit) = 0;
  // Leases up to `limit` due, unleased (or lease-expired) pending events to `owner` until
  // now + lease_seconds, oldest first, and returns them. Atomic across threads and processes: an
  // event is leased to one owner at a time, so concurrent workers never deliver it at once; a
  // worker that dies leaves its events to be claimed again when the lease runs out. kDatabase.
  virtual Result<std::vector<OutboxEvent>> ClaimEvents(int64_t now, int limit, int lease_seconds,
                                                       std::string_view owner) = 0;
  // Marks an event leased to `owner` delivered and ends the lease; `then`, when set, moves the
  // event's request between states in the same transaction. kConflict when the event is no
  // longer leased to `owner` (the lease ran out and another worker took it, or it was already
  // delivered): nothing is changed; kDatabase.
  virtual Status MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                                    const std::optional<RequestTransition>& then) = 0;
  // Records a failed attempt of an event leased to `owner`: attempts + 1, the error, and either
  // the next attempt's time or, when `give_up`, the state "dead"; ends the lease. kConflict when
  // the event is no longer leased to `owner`; kDatabase.
  virtual Status MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                                 int64_t next_attempt_at, bool give_up) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<OutboxEvent>> ListEvents(const EventFilter& filter) = 0;
  // Deletes, whatever their state, the events created before `created_before` among the `limit`
  // oldest (by id; it stops at the first younger one). Returns how many went; kDatabase.
  virtual Result<int> PruneEvents(int64_t created_before, int limit) = 0;

  // CRLs (store/memory_claims.cc, sqlite/claims.cc).

  // Stores the CRL when it is newer than the one stored for its issuer (a higher number), in one
  // conditional write: a CRL is never replaced by an older one, whatever the order in which
  // concurrent publishers (threads, processes, nodes) finish. Returns true when stored, false
  // when an equal or higher number was there already; kDatabase.
  virtual Result<bool> StoreCrl(const CrlRecord& crl) = 0;
  // The newest stored CRL of the issuer, nullopt when none; kDatabase.
  virtual Result<std::optional<CrlRecord>> FindCrl(std::string_view issuer_id) = 0;

  // Returns the next value of a named counter (1, 2, ...), atomically across processes: each
  // value is returned once. kDatabase.
  virtual Result<int64_t> NextCounter(std::string_view name) = 0;
  // Small named values (e.g. the last CRL's time). kDatabase.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;

  // The directory: devices, users, groups (store/memory_directory.cc, sqlite/directory.cc).
  // UPNs and group names match regardless of ASCII case; device ids match exactly.

  // Stores a new device. Returns kAlreadyExists when the id is taken, kNotFound when the owner
  // is not empty and names no user, kDatabase otherwise.
  virtual Status InsertDevice(const DeviceRecord& device) = 0;
  // Returns the device with this id, nullopt when none; kDatabase.
  virtual Result<std::optional<DeviceRecord>> FindDevice(std::string_view id) = 0;
  // Oldest first (created_at, then insertion order). kDatabase.
  virtual Result<std::vector<DeviceRecord>> ListDevices(const DeviceFilter& filter) = 0;
  // Marks the device retired. Returns kNotFound for an unknown id, kAlreadyExists when it is
  // already retired, kDatabase otherwise.
  virtual Status RetireDevice(std::string_view id, int64_t retired_at) = 0;

  // Stores a new user. Returns kAlreadyExists when the UPN is taken (in any case), kDatabase.
  virtual Status InsertUser(const UserRecord& user) = 0;
  // Returns the user with this UPN (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<UserRecord>> FindUser(std::string_view upn) = 0;
  // Every user, by UPN (ASCII case folded). kDatabase.
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // Marks the user disabled. Returns kNotFound for an unknown UPN, kAlreadyExists when the user
  // is already disabled, kDatabase otherwise.
  virtual Status DisableUser(std::string_view upn, int64_t disabled_at) = 0;
  // Replaces the user's e-mail, SID, on-premises DN and identity_by_admin with `user`'s (found
  // by user.upn, any case). Returns kNotFound for an unknown UPN, kDatabase otherwise.
  virtual Status UpdateUserIdentity(const UserRecord& user) = 0;

  // Stores a new group. Returns kAlreadyExists when the name is taken (in any case), kDatabase.
  virtual Status InsertGroup(const GroupRecord& group) = 0;
  // Returns the group with this name (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<GroupRecord>> FindGroup(std::string_view name) = 0;
  // Every group, by name (ASCII case folded). kDatabase.
  virtual Result<std::vector<GroupRecord>> ListGroups() = 0;
  // Adds a member to a group. Returns kNotFound when the group, device or user does not exist,
  // kAlreadyExists when it is already a member, kDatabase otherwise.
  virtual Status AddGroupMember(std::string_view group, const GroupMember& member) = 0;
  // Removes a member. Returns kNotFound when the group does not exist or `member` is not one of
  // its members, kDatabase otherwise.
  virtual Status RemoveGroupMember(std::string_view group, const GroupMember& member) = 0;
  // The group's members in the order they were added. kNotFound for an unknown group; kDatabase.
  virtual Result<std::vector<GroupMember>> ListGroupMembers(std::string_view group) = 0;
  // The groups `member` belongs to, by name. kDatabase.
  virtual Result<std::vector<GroupRecord>> GroupsOf(const GroupMember& member) = 0;

  // SCEP profiles and their assignments to groups (store/memory_profiles.cc, sqlite/profiles.cc).
  // Profile and group names match regardless of ASCII case.

  // Stores a new profile. Returns kAlreadyExists when the name is taken (in any case), kDatabase.
  virtual Status InsertProfile(const ProfileRecord& profile) = 0;
  // Returns the profile with this name (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<ProfileRecord>> FindProfile(std::string_view name) = 0;
  // Every profile, by name (ASCII case folded). kDatabase.
  virtual Result<std::vector<ProfileRecord>> ListProfiles() = 0;
  // Replaces every field of the profile named `profile.name` (any case) except its name and
  // created_at. Returns kNotFound for an unknown profile, kDatabase otherwise.
  virtual Status UpdateProfile(const ProfileRecord& profile) = 0;
  // Deletes the profile and its assignments. Returns kNotFound for an unknown profile; kDatabase.
  virtual Status DeleteProfile(std::string_view name) = 0;
  // Assigns a profile to a group. Returns kNotFound when the profile or the group does not exist,
  // kAlreadyExists when it is already assigned to that group, kDatabase otherwise.
  virtual Status AddAssignment(std::string_view profile, std::string_view group) = 0;
  // Returns kNotFound when the profile or group does not exist or the profile is not assigned to
  // the group, kDatabase otherwise.
  virtual Status RemoveAssignment(std::string_view profile, std::string_view group) = 0;
  // The groups the profile is assigned to, by name. kNotFound for an unknown profile; kDatabase.
  virtual Result<std::vector<GroupRecord>> ListAssignments(std::string_view profile) = 0;
  // The profiles assigned to the group, by name. kNotFound for an unknown group; kDatabase.
  virtual Result<std::vector<ProfileRecord>> ProfilesAssignedTo(std::string_view group) = 0;

  // REST API tokens and the audit log (store/memory_tokens_audit.cc, sqlite/tokens_audit.cc).

  // Stores a new token. Returns kAlreadyExists when the id or the hash is taken, kDatabase.
  virtual Status InsertToken(const TokenRecord& token) = 0;
  // Returns the token whose hash is `hash` (revoked or not), nullopt when none; kDatabase.
  virtual Result<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) = 0;
  // Every token, oldest first. kDatabase.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Marks the token revoked. Returns kNotFound for an unknown id, kAlreadyExists when it is
  // already revoked, kDatabase otherwise.
  virtual Status RevokeToken(std::string_view id, int64_t revoked_at) = 0;
  // Appends an entry to the audit log and returns its id. kDatabase.
  virtual Result<int64_t> AppendAudit(const AuditRecord& entry) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter) = 0;
};

// "device" or "user".
const char* MemberKindName(MemberKind kind);

}  // namespace scepgate::store
