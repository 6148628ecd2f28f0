// PostgresStore's RA certificate renewals and what each node serves.
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"

namespace scepgate::store {
namespace {

// UNIQUE (replaces) and the primary key decide between nodes publishing at once.
const pg::Prepared kPublish{
    "sg_publish_ra",
    "INSERT INTO ra_certificates (id, key_id, replaces, cert_der, not_after,"
    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT DO NOTHING"};
const pg::Prepared kLatest{"sg_latest_ra",
                           "SELECT id, key_id, replaces, cert_der, not_after, created_at,"
                           " created_by FROM ra_certificates WHERE key_id = $1"
                           " ORDER BY not_after DESC, seq DESC LIMIT 1"};
const pg::Prepared kReport{"sg_report_node_ra",
                           "INSERT INTO node_ra (node, key_id, serving, loaded, seen_at) VALUES"
                           " ($1, $5, $2, $3, $4) ON CONFLICT (node) DO UPDATE SET"
                           " key_id = excluded.key_id, serving = excluded.serving,"
                           " loaded = excluded.loaded, seen_at = excluded.seen_at"};
const pg::Prepared kListNodes{"sg_list_node_ra",
                              "SELECT node, key_id, serving, loaded, seen_at FROM node_ra"
                              " ORDER BY node"};

}  // namespace

Status PostgresStore::PublishRaCertificate(const RaCertificateRecord& r) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done, pg::Run(c, kPublish,
                                                      {r.id, r.key_id, r.replaces, r.cert_der,
                                                       r.not_after, r.created_at, r.created_by}));
    if (done.AffectedRows() != 1)
      return Fail(Error::AlreadyExists("a renewal of RA certificate " + r.replaces +
                                       " is published already"));
    return {};
  });
}

Result<std::optional<RaCertificateRecord>> PostgresStore::LatestRaCertificate(
    std::string_view key_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<RaCertificateRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kLatest, {key_id}));
    return pg::ReadFirst(rows, [](pg::RowReader& in) {
      RaCertificateRecord r;
      r.id = in.Text();
      r.key_id = in.Text();
      r.replaces = in.Text();
      r.cert_der = in.Bytea();
      r.not_after = in.Int();
      r.created_at = in.Int();
      r.created_by = in.Text();
      return r;
    });
  });
}

Status PostgresStore::ReportNodeRa(const NodeRaRecord& r) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_TRY_STATUS(pg::Run(c, kReport, {r.node, r.serving, r.loaded, r.seen_at, r.key_id}));
    return {};
  });
}

Result<std::vector<NodeRaRecord>> PostgresStore::ListNodeRa() {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<NodeRaRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kListNodes, {}));
    return pg::ReadRows(rows, [](pg::RowReader& in) {
      NodeRaRecord r;
      r.node = in.Text();
      r.key_id = in.Text();
      r.serving = in.Text();
      r.loaded = in.Text();
      r.seen_at = in.Int();
      return r;
    });
  });
}

}  // namespace scepgate::store
