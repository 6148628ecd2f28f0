// `scepgate report --profile P`: where each device a SCEP profile targets stands (mgmt::Report),
// as Intune's per-profile device status.
#include <cstdio>
#include <iostream>
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

// The reason cut to the table's width; the stable code comes first, --json has the whole text.
std::string Shortened(const std::string& reason) {
  if (reason.size() <= kReasonWidth) return reason;
  return reason.substr(0, kReasonWidth - 3) + "...";
}

void PrintTable(const std::vector<mgmt::DeviceStatus>& rows) {
  const char* format = "%-36s %-20s %-13s %-20s %-40s %-32s %s\n";
  std::printf(format, "DEVICE", "NAME", "STATUS", "LAST REQUEST", "REASON", "SERIAL", "EXPIRES");
  for (const auto& r : rows) {
    std::string when = r.last_request ? IsoTime(r.last_request->created_at) : "-";
    std::string reason = r.last_request ? Shortened(r.last_request->reason) : "";
    std::string serial = r.certificate ? r.certificate->serial : "-";
    std::string expires = r.certificate ? IsoTime(r.certificate->not_after) : "-";
    std::printf(format, r.device_id.c_str(), r.name.c_str(), mgmt::DeploymentStatusName(r.status),
                when.c_str(), reason.empty() ? "-" : reason.c_str(), serial.c_str(),
                expires.c_str());
  }
}

void Run(const Flags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto rows = OrDie(mgmt::Report(*data->store, clock).ForProfile(f.profile));
  if (!f.json) return PrintTable(rows);
  // One row at a time: the whole fleet's array is never built as one document.
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i)
    out += (i == 0 ? "\n  " : ",\n  ") + ReportRowJson(rows[i]).dump();
  out += rows.empty() ? "]\n" : "\n]\n";
  std::cout << out;
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
