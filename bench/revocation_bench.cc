// scepgate-revocation-bench: what revocation costs at fleet scale, through the classes the server
// and the CLI use (scep::CrlPublisher over a SQLite file, or a PostgreSQL database with --dsn).
// It creates a CA hierarchy in a temporary directory, fills the store with --certs certificate
// rows (synthetic: random serials, the DER of a real certificate), then measures:
//   1. bulk:    Revoker::RevokeMany of --batch serials in one call, CRL re-signed included
//               (--reps times, each on fresh serials, so the CRL grows by --batch each time);
//   2. re-sign: CrlPublisher::Publish of a CRL of --crl entries (--reps times);
//   3. single:  Revoker::Revoke of one serial at a time on that CRL (--single times), as every
//               revocation cost before RevokeMany, and what --batch of them would take;
//   4. serve:   CrlPublisher::Get of that CRL (--reps times) and its size.
// Prints one line per figure, medians over the repetitions, or JSON with --json.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ca/ca_dir.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "scep/ca_state.h"
#include "scep/crl_publisher.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace sg = scepgate;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

struct Options {
  int certs = 110000;
  int batch = 10000;
  int crl = 100000;
  int single = 20;
  int reps = 5;
  std::string key = "rsa:2048";
  std::string dsn;  // PostgreSQL; the password, when needed, from PGPASSWORD or ~/.pgpass
  bool json = false;
};

template <class T>
T OrExit(sg::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "revocation-bench: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void OrExit(const sg::Status& s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "revocation-bench: %s: %s\n", what, s.error().message.c_str());
    std::exit(1);
  }
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double MsSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

// A serial as the issuer makes them (ca::RandomSerial), in the stored form: lower-case hex
// without leading zeros.
std::string StoredSerial(sg::Random& random) {
  std::string hex = sg::HexEncode(OrExit(sg::ca::RandomSerial(random), "random serial"));
  size_t nz = hex.find_first_not_of('0');
  return nz == std::string::npos ? "0" : hex.substr(nz);
}

std::unique_ptr<sg::store::Store> OpenStore(const Options& o, const fs::path& dir) {
  if (o.dsn.empty()) {
    return OrExit(sg::store::SqliteStore::Open(dir / "scepgate.db"), "opening the SQLite store");
  }
  sg::store::PostgresOptions pg;
  pg.dsn = o.dsn;
  return OrExit(sg::store::PostgresStore::Open(pg), "opening the PostgreSQL store");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"scepgate-revocation-bench: bulk revocation and CRL signing at fleet scale"};
  app.add_option("--certs", o.certs, "certificate rows to fill the store with")
      ->check(CLI::PositiveNumber);
  app.add_option("--batch", o.batch, "serials per RevokeMany call")->check(CLI::PositiveNumber);
  app.add_option("--crl", o.crl, "CRL entries for the re-sign and single figures")
      ->check(CLI::PositiveNumber);
  app.add_option("--single", o.single, "one-by-one revocations to time")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--reps", o.reps, "repetitions of each figure")->check(CLI::PositiveNumber);
  app.add_option("--key", o.key, "CA key (rsa:2048, rsa:3072, ec:p256, ...)");
  app.add_option("--dsn", o.dsn, "PostgreSQL database (an empty one) instead of a SQLite file");
  app.add_flag("--json", o.json, "print JSON");
  CLI11_PARSE(app, argc, argv);
  const int64_t needed = static_cast<int64_t>(o.batch) * o.reps;
  if (o.certs < std::max<int64_t>(needed, o.crl) + o.single) {
    std::fprintf(stderr,
                 "revocation-bench: --certs must be at least max(batch*reps, crl)+single\n");
    return 2;
  }

  sg::SystemClock clock;
  sg::SystemRandom random;
  fs::path dir = fs::temp_directory_path() / ("sg-revocation-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  sg::ca::CreateCaOptions ca_options;
  ca_options.name = "bench";
  ca_options.key = OrExit(sg::ca::ParseKeySpec(o.key), "--key");
  OrExit(sg::ca::CreateCaDirectory(dir, ca_options, clock.Now(), random), "creating the CA");
  sg::Config config;
  auto cas = OrExit(
      sg::scep::CaState::Build(OrExit(sg::ca::LoadCaDirectory(dir), "loading the CA"), config),
      "building the CA state");
  auto store = OpenStore(o, dir);
  sg::scep::CrlPublisher crls(*cas, *store, clock, {});
  const std::string issuer = cas->current().id;

  // Fill.
  sg::Bytes der = OrExit(sg::CertToDer(cas->ra_cert()), "encoding");
  std::vector<std::string> serials;
  serials.reserve(static_cast<size_t>(o.certs));
  auto fill_start = Steady::now();
  for (int i = 0; i < o.certs; ++i) {
    sg::store::CertificateRecord c;
    c.serial = StoredSerial(random);
    c.issuer_id = issuer;
    c.subject = "CN=device-" + std::to_string(i);
    c.sans = {"DNS:device-" + std::to_string(i) + ".example"};
    c.not_before = clock.Now();
    c.not_after = c.not_before + 365 * 86400;
    c.sha1 = c.sha256 = c.public_key_sha256 = c.serial;
    c.transaction_id = "bench-" + std::to_string(i);
    c.der = der;
    c.created_at = c.not_before;
    c.device_id = "device-" + std::to_string(i);
    OrExit(store->InsertCertificate(c), "filling the store");
    serials.push_back(std::move(c.serial));
  }
  double fill_ms = MsSince(fill_start);
  size_t next = 0;
  auto take = [&](size_t n) {
    std::vector<std::string> out(serials.begin() + static_cast<std::ptrdiff_t>(next),
                                 serials.begin() + static_cast<std::ptrdiff_t>(next + n));
    next += n;
    return out;
  };

  // 1. Bulk revocations, CRL included.
  std::vector<double> bulk_ms;
  std::vector<size_t> bulk_crl_sizes;
  for (int r = 0; r < o.reps; ++r) {
    auto batch = take(static_cast<size_t>(o.batch));
    auto start = Steady::now();
    auto report = OrExit(crls.RevokeMany(batch, sg::ca::RevocationReason::kCessationOfOperation),
                         "RevokeMany");
    bulk_ms.push_back(MsSince(start));
    if (report.revoked.size() != batch.size()) {
      std::fprintf(stderr, "revocation-bench: revoked %zu of %zu\n", report.revoked.size(),
                   batch.size());
      return 1;
    }
    bulk_crl_sizes.push_back(next);
  }

  // 2. Re-signing a CRL of --crl entries.
  if (next < static_cast<size_t>(o.crl)) {
    auto rest = take(static_cast<size_t>(o.crl) - next);
    OrExit(crls.RevokeMany(rest, sg::ca::RevocationReason::kKeyCompromise), "RevokeMany (fill)");
  }
  std::vector<double> resign_ms;
  for (int r = 0; r < o.reps; ++r) {
    auto start = Steady::now();
    OrExit(crls.Publish(issuer), "Publish");
    resign_ms.push_back(MsSince(start));
  }

  // 3. One at a time, as before RevokeMany.
  std::vector<double> single_ms;
  for (int r = 0; r < o.single; ++r) {
    auto one = take(1);
    auto start = Steady::now();
    OrExit(crls.Revoke(one[0], sg::ca::RevocationReason::kUnspecified), "Revoke");
    single_ms.push_back(MsSince(start));
  }

  // 4. Serving it.
  std::vector<double> get_ms;
  size_t crl_bytes = 0;
  for (int r = 0; r < o.reps; ++r) {
    auto start = Steady::now();
    sg::Bytes crl = OrExit(crls.Get(issuer), "Get");
    get_ms.push_back(MsSince(start));
    crl_bytes = crl.size();
  }
  fs::remove_all(dir);

  nlohmann::json out = {
      {"backend", o.dsn.empty() ? "sqlite" : "postgresql"},
      {"key", o.key},
      {"certs", o.certs},
      {"fill_ms", fill_ms},
      {"batch", o.batch},
      {"bulk_ms_median", Median(bulk_ms)},
      {"bulk_ms", bulk_ms},
      {"bulk_crl_entries", bulk_crl_sizes},
      {"crl_entries", next - single_ms.size()},
      {"resign_ms_median", Median(resign_ms)},
      {"single_ms_median", Median(single_ms)},
      {"single_batch_estimate_s", Median(single_ms) * o.batch / 1000.0},
      {"get_ms_median", Median(get_ms)},
      {"crl_bytes", crl_bytes},
  };
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("backend %s, CA key %s, %d certificate rows (filled in %.0f ms)\n",
              out["backend"].get<std::string>().c_str(), o.key.c_str(), o.certs, fill_ms);
  std::printf("bulk: %d revocations in one call, CRL included: median %.0f ms (", o.batch,
              Median(bulk_ms));
  for (size_t i = 0; i < bulk_ms.size(); ++i)
    std::printf("%s%.0f ms at %zu", i ? ", " : "", bulk_ms[i], bulk_crl_sizes[i]);
  std::printf(" entries)\n");
  std::printf("re-sign: CRL of %zu entries: median %.0f ms\n", next - single_ms.size(),
              Median(resign_ms));
  std::printf(
      "single: one revocation with its CRL re-signed: median %.1f ms (%d of them: %.0f s)\n",
      Median(single_ms), o.batch, Median(single_ms) * o.batch / 1000.0);
  std::printf("serve: CrlPublisher::Get of %zu bytes: median %.1f ms\n", crl_bytes, Median(get_ms));
  return 0;
}
