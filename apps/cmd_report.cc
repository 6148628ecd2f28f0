// `scepgate report --profile P`: where each device a SCEP profile targets stands (mgmt::Report),
// as Intune's per-profile device status.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "data_dir.h"
#include "mgmt/report.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string profile;
  bool json = false;
};

constexpr size_t kReasonWidth = 40;
constexpr const char* kFormat = "%-36s %-20s %-13s %-20s %-40s %-32s %s\n";

// The reason cut to the table's width; the stable code comes first, --json has the whole text.
std::string Shortened(const std::string& reason) {
  if (reason.size() <= kReasonWidth) return reason;
  return reason.substr(0, kReasonWidth - 3) + "...";
}

void PrintHeader() {
  std::printf(kFormat, "DEVICE", "NAME", "STATUS", "LAST REQUEST", "REASON", "SERIAL", "EXPIRES");
}

void PrintRow(const mgmt::DeviceStatus& r) {
  std::string when = r.last_request ? IsoTime(r.last_request->created_at) : "-";
  std::string reason = r.last_request ? Shortened(r.last_request->reason) : "";
  std::string serial = r.certificate ? r.certificate->serial : "-";
  std::string expires = r.certificate ? IsoTime(r.certificate->not_after) : "-";
  std::printf(kFormat, r.device_id.c_str(), r.name.c_str(), mgmt::DeploymentStatusName(r.status),
              when.c_str(), reason.empty() ? "-" : reason.c_str(), serial.c_str(), expires.c_str());
}

// The whole report, read and printed a page of devices at a time: neither the fleet's rows nor
// its JSON array are ever held at once.
void Run(const Flags& f) {
  constexpr size_t kPage = 10'000;
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  mgmt::Report report(*data->store, clock);
  std::string cursor;
  bool first = true;
  if (f.json)
    std::fputs("[", stdout);
  else
    PrintHeader();
  do {
    mgmt::ReportPage page = OrDie(report.Page(f.profile, cursor, kPage));
    std::string out;
    for (const mgmt::DeviceStatus& row : page.rows) {
      if (!f.json) {
        PrintRow(row);
        continue;
      }
      out += first ? "\n  " : ",\n  ";
      out += ReportRowJson(row).dump();
      first = false;
    }
    std::fputs(out.c_str(), stdout);
    cursor = std::move(page.next_cursor);
  } while (!cursor.empty());
  if (f.json) std::fputs(first ? "]\n" : "\n]\n", stdout);
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* report = app.add_subcommand(
      "report", "per-device status of a SCEP profile: Succeeded, Pending, Failed, Not attempted");
  AddDirOption(*report, f->dir);
  report->add_option("--profile", f->profile, "SCEP profile name")->required();
  report->add_flag("--json", f->json, "print JSON");
  report->callback([f] { Run(*f); });
}

}  // namespace scepgate::app
