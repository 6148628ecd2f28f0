// The persistence boundary. The store keeps records and offers the few atomic operations the
// domain needs; it knows nothing of policy. Which state follows which, what an event does to a
// request, why a request is refused: those rules live in scep, mgmt, policy and notify, and reach
// the store as conditional writes (a claim, a decision taken only while pending, a CRL stored only
// when newer, an event leased to one worker).
//
// Split by area, one header each: certificates.h (certificates, revocation, CRLs), requests.h
// (requests, transaction claims, issuance, held requests), challenges.h, outbox.h, directory.h,
// profiles.h, tokens_audit.h, settings.h. A caller that needs one area takes that interface; the
// whole store is all of them.
//
// Guarantees across threads, processes on one SQLite file, and (on a shared backend) nodes, each
// enforced by the database itself and proven by store/claims_test.cc and
// store/sqlite/processes_test.cc, and on PostgreSQL by store_pg_test (the same typed tests, and
// store/postgres/processes_test.cc) (docs/consistency.md lists them with their tests):
//   - one claim per SCEP transaction (transaction ID + renewed serial): RequestStore;
//   - one use per one-time challenge, one certificate per serial: RequestStore, CertificateStore;
//   - one decision per held request, one issuance per approved one: RequestStore;
//   - CRL numbers from a counter taken once each, a stored CRL replaced only by a higher number:
//     SettingsStore, CertificateStore;
//   - an outbox event leased to one worker at a time: OutboxStore.
// Implementations: sqlite/SqliteStore (default), postgres/PostgresStore (shared by several
// nodes), memory_store.h (unit tests).
#pragma once

#include "store/certificates.h"
#include "store/challenges.h"
#include "store/directory.h"
#include "store/issuers.h"
#include "store/outbox.h"
#include "store/profiles.h"
#include "store/ra_certs.h"
#include "store/report_states.h"
#include "store/requests.h"
#include "store/settings.h"
#include "store/tokens_audit.h"

namespace scepgate::store {

// Every area in one object. Thread-safe: every implementation may be called from several threads
// at once.
class Store : public CertificateStore,
              public RequestStore,
              public ChallengeStore,
              public OutboxStore,
              public DirectoryStore,
              public ProfileStore,
              public TokenAuditStore,
              public SettingsStore,
              public IssuerStore,
              public RaCertificateStore,
              public ReportStore {};

}  // namespace scepgate::store
