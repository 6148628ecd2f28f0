// `scepgate cert list|show|revoke` and `scepgate requests list`.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "ca/revocation.h"
#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/approvals.h"
#include "mgmt/records.h"
#include "paged_list.h"
#include "views.h"

namespace scepgate::app {
namespace {

// `cert list`: one page with --limit, or every certificate a page at a time (PrintPaged).
void ListCerts(const std::string& dir, bool json, mgmt::CertQuery query, const PageFlags& page) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  mgmt::Records records(*data->store);
  PrintPaged(
      page, json, QueryPages(query, [&](const auto& q) { return records.CertificatePage(q); }),
      CertificateJson,
      [] { std::printf("%-34s %-8s %-20s %s\n", "SERIAL", "STATUS", "NOT_AFTER", "SUBJECT"); },
      [](const store::CertificateRecord& c) {
        std::printf("%-34s %-8s %-20s %s\n", c.serial.c_str(),
                    c.status == store::CertStatus::kRevoked ? "revoked" : "valid",
                    IsoTime(c.not_after).c_str(), c.subject.c_str());
      });
}

void ShowCert(const std::string& dir, const std::string& serial, bool pem) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  // Accepts the forms people paste: "0A:1B", "0x0a1b", leading zeros.
  auto cert = OrDie(mgmt::Records(*data->store).Certificate(serial));
  if (pem) {
    std::cout << OrDie(CertToPem(*OrDie(CertFromDer(cert.der))));
    return;
  }
  std::cout << CertificateJson(cert).dump(2) << "\n";
}

// One serial: as before, an unknown or already revoked one is an error. Several: each CRL is
// re-signed once; the command fails (after revoking the others) when a serial is unknown.
void Revoke(const std::string& dir, const std::vector<std::string>& args, const std::string& file,
            const std::string& reason, bool json) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  std::vector<std::string> serials = ArgsAndFileLines(args, file);
  mgmt::Records records(*data->store, data->crls.get());
  if (serials.size() == 1 && file.empty()) {
    store::CertificateRecord cert =
        Audited(*data->store, "certificate.revoke", mgmt::NormalizeSerial(serials[0]),
                {{"reason", reason}}, records.Revoke(serials[0], reason));
    if (json) {
      std::cout << CertificateJson(cert).dump(2) << "\n";
      return;
    }
    std::cout << "revoked " << cert.serial << " ("
              << ca::RevocationReasonName(static_cast<ca::RevocationReason>(cert.revocation_reason))
              << "); CRL re-signed\n";
    return;
  }
  ca::RevokeReport report =
      Audited(*data->store, "certificate.revoke", std::to_string(serials.size()) + " serials",
              {{"reason", reason}, {"serials", serials}}, records.RevokeMany(serials, reason));
  if (json) {
    std::cout << RevokeReportJson(report).dump(2) << "\n";
  } else {
    std::cout << "revoked " << report.revoked.size() << " certificate(s); CRLs re-signed\n";
    PrintList("already revoked", report.already_revoked);
    PrintList("not found", report.not_found);
  }
  if (!report.not_found.empty()) {
    Die(Error::NotFound(std::to_string(report.not_found.size()) + " serial(s) not found"));
  }
}

void ListRequests(const std::string& dir, bool json, mgmt::RequestQuery query,
                  const PageFlags& page) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  mgmt::Records records(*data->store);
  PrintPaged(
      page, json, QueryPages(query, [&](const auto& q) { return records.RequestPage(q); }),
      RequestJson,
      [] {
        std::printf("%-6s %-20s %-10s %-7s %-8s %-16s %-34s %s\n", "ID", "TIME", "TYPE", "RENEWAL",
                    "STATE", "FAIL_INFO", "SERIAL", "TRANSACTION / REASON");
      },
      [](const store::RequestRecord& r) {
        std::printf("%-6lld %-20s %-10s %-7s %-8s %-16s %-34s %s%s%s\n",
                    static_cast<long long>(r.id), IsoTime(r.created_at).c_str(),
                    r.message_type.c_str(), r.renewal ? "yes" : "no", r.state.c_str(),
                    r.fail_info.c_str(), r.cert_serial.c_str(), r.transaction_id.c_str(),
                    r.reason.empty() ? "" : " / ", r.reason.c_str());
      });
}

}  // namespace

// `requests approve ID` / `requests reject ID --reason R`.
void Decide(const std::string& dir, int64_t id, bool approve, const std::string& reason) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  mgmt::Approvals approvals(*data->store, clock);
  if (approve) {
    Audited(*data->store, "request.approve", std::to_string(id), nlohmann::json::object(),
            approvals.Approve(id));
    std::cout << "approved request " << id << "; the device's next CertPoll gets its certificate\n";
  } else {
    Audited(*data->store, "request.reject", std::to_string(id), {{"reason", reason}},
            approvals.Reject(id, reason));
    std::cout << "rejected request " << id << "\n";
  }
}

void AddCertCommands(CLI::App& app) {
  CLI::App* cert = app.add_subcommand("cert", "list, show and revoke issued certificates");
  cert->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  auto serial = std::make_shared<std::string>();
  auto pem = std::make_shared<bool>(false);
  auto reason = std::make_shared<std::string>();

  CLI::App* list = cert->add_subcommand("list", "list issued certificates, newest first");
  auto dir = std::make_shared<std::string>();
  AddDirOption(*list, *dir);
  list->add_flag("--json", *json, "print JSON");
  auto query = std::make_shared<mgmt::CertQuery>();
  list->add_option("--status", query->status, "valid or revoked");
  list->add_option("--issuer", query->issuer, "issued by this issuing CA (its id)");
  list->add_option("--subject-prefix", query->subject_prefix,
                   "whose subject starts with this, as listed (e.g. 'CN=LAPTOP-')");
  list->add_option("--serial-prefix", query->serial_prefix, "whose serial starts with this (hex)");
  list->add_option("--device", query->device, "linked to this device (id)");
  list->add_option("--profile", query->profile, "issued for this profile");
  list->add_option("--issued-after", query->issued_after,
                   "issued at or after (2026-12-05, 2026-12-05T08:30:00Z or unix seconds)");
  list->add_option("--issued-before", query->issued_before, "issued before (same forms)");
  auto page = std::make_shared<PageFlags>();
  AddPageFlags(*list, *page, "certificate");
  list->callback([=] { ListCerts(*dir, *json, *query, *page); });

  CLI::App* show = cert->add_subcommand("show", "show one certificate");
  AddDirOption(*show, *dir);
  show->add_option("serial", *serial, "serial number (hex)")->required();
  CLI::Option* pem_flag = show->add_flag("--pem", *pem, "print the certificate as PEM");
  // JSON is what `show` prints; --json is accepted so that every command takes the same flag.
  show->add_flag("--json", *json, "print JSON (the default)")->excludes(pem_flag);
  show->callback([=] { ShowCert(*dir, *serial, *pem); });

  auto serials = std::make_shared<std::vector<std::string>>();
  auto from_file = std::make_shared<std::string>();
  CLI::App* revoke =
      cert->add_subcommand("revoke", "revoke certificates and re-sign each affected CRL once");
  AddDirOption(*revoke, *dir);
  revoke->add_option("serial", *serials, "serial numbers (hex)");
  revoke->add_option("--from-file", *from_file,
                     "also revoke the serials in this file, one per line ('-': standard input)");
  revoke->add_flag("--json", *json, "print JSON");
  revoke
      ->add_option("--reason", *reason,
                   "unspecified|keyCompromise|cACompromise|affiliationChanged|superseded|"
                   "cessationOfOperation|certificateHold|privilegeWithdrawn")
      ->default_val("unspecified");
  revoke->callback([=] {
    if (serials->empty() && from_file->empty())
      throw CLI::ValidationError("revoke", "name a serial or --from-file");
    Revoke(*dir, *serials, *from_file, *reason, *json);
  });
}

void AddRequestCommands(CLI::App& app) {
  CLI::App* requests = app.add_subcommand("requests", "the record of every SCEP PKIOperation");
  requests->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto query = std::make_shared<mgmt::RequestQuery>();
  auto page = std::make_shared<PageFlags>();
  CLI::App* list = requests->add_subcommand("list", "list requests, newest first");
  AddDirOption(*list, *dir);
  list->add_flag("--json", *json, "print JSON");
  list->add_option("--state", query->state, "issued, failed, answered, ...");
  list->add_option("--device", query->device, "only the requests of this device (id)");
  list->add_option("--profile", query->profile, "only the requests for this profile");
  list->add_option("--created-after", query->created_after,
                   "made at or after (2026-12-05, 2026-12-05T08:30:00Z or unix seconds)");
  list->add_option("--created-before", query->created_before, "made before (same forms)");
  AddPageFlags(*list, *page, "request");
  list->callback([=] { ListRequests(*dir, *json, *query, *page); });

  auto id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  CLI::App* approve =
      requests->add_subcommand("approve", "approve a request held for approval (state pending)");
  AddDirOption(*approve, *dir);
  approve->add_option("id", *id, "request id (requests list --state pending)")->required();
  approve->callback([=] { Decide(*dir, *id, true, ""); });
  CLI::App* reject = requests->add_subcommand("reject", "reject a request held for approval");
  AddDirOption(*reject, *dir);
  reject->add_option("id", *id, "request id (requests list --state pending)")->required();
  reject->add_option("--reason", *reason, "why; the device's CertPoll is told it")->required();
  reject->callback([=] { Decide(*dir, *id, false, *reason); });
}

}  // namespace scepgate::app
