// scepgate-bench: a SCEP enrollment load generator that works against any RFC 8894 server.
// Builds N PKCSReq messages before the clock starts, sends them over C kept-alive connections,
// then verifies every CertRep (signature, transactionID, nonce, decryptable certificate) and
// prints enrollments/s (certificates issued and verified, per second of the run), answers/s
// (every reply, failures included), p50/p90/p99 and mean latency, failures, and the load
// generator's own CPU time per request. --exponent-bits N gives every client an RSA key whose
// public exponent is a random odd N-bit number (a hostile key: what each request then costs the
// gateway).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <sys/resource.h>

#include "ca/key_spec.h"
#include "client/enrollment.h"
#include "client/request_builder.h"
#include "common/hostile_keys.h"
#include "common/providers.h"

namespace sg = scepgate;
using Clock = std::chrono::steady_clock;

namespace {

struct Job {
  int worker = 0;
  sg::client::OutgoingMessage msg;
  sg::Bytes reply;
  double latency_ms = 0;
  std::string error;
};

struct Worker {
  sg::EvpPkeyPtr key;
  sg::X509Ptr signer;
};

struct Options {
  std::string url;
  int n = 200;
  int c = 4;
  std::string challenge;
  bool get = false;
  std::string key = "rsa:2048";
  int exponent_bits = 0;  // > 0: RSA keys with a random odd public exponent of this many bits
  std::string cipher = "aes-256-cbc";
  std::string digest = "sha256";
  bool json = false;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::llround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(idx, v.size() - 1)];
}

// CPU time (user + system) this process has used so far, in milliseconds.
double CpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

double Mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

int Run(const Options& o) {
  if (!sg::LoadProviders(true)) return 2;
  auto url = sg::client::ParseUrl(o.url);
  if (!url) return std::fprintf(stderr, "bench: %s\n", url.error().message.c_str()), 2;
  auto spec = sg::ca::ParseKeySpec(o.key);
  if (!spec) return std::fprintf(stderr, "bench: %s\n", spec.error().message.c_str()), 2;
  int cipher = OBJ_txt2nid(o.cipher.c_str()), digest = OBJ_txt2nid(o.digest.c_str());
  if (cipher == NID_undef || digest == NID_undef)
    return std::fprintf(stderr, "bench: unknown cipher or digest\n"), 2;

  auto http = sg::client::MakeHttpClient();
  sg::client::ScepClient probe(*http, *url);
  auto ca = probe.GetCaCert();
  if (!ca) return std::fprintf(stderr, "bench: GetCACert: %s\n", ca.error().message.c_str()), 1;

  // Preparation (not timed): one key per connection, one message per enrollment, unique CNs.
  std::vector<Worker> workers(static_cast<size_t>(o.c));
  for (auto& w : workers) {
    if (o.exponent_bits > 0) {
      sg::BignumPtr e = sg::hostile::OddNumber(o.exponent_bits);
      auto key = e ? sg::hostile::RsaKeyWithExponent(spec->bits, *e)
                   : sg::Result<sg::EvpPkeyPtr>(sg::Fail(sg::Error::Crypto("BN_rand")));
      if (spec->kind != sg::ca::KeySpec::Kind::kRsa || !key)
        return std::fprintf(stderr, "bench: --exponent-bits needs an RSA --key\n"), 2;
      w.key = std::move(*key);
    } else {
      w.key = std::move(*sg::ca::GenerateKey(*spec));
    }
    w.signer = std::move(*sg::client::MakeSelfSignedSigner(*w.key, "SCEP SIGNER"));
  }
  std::string run_id =
      sg::HexEncode(
          *sg::Digest("SHA1", sg::AsView(std::to_string(Clock::now().time_since_epoch().count()))))
          .substr(0, 8);
  std::vector<Job> jobs(static_cast<size_t>(o.n));
  for (int i = 0; i < o.n; ++i) {
    Job& j = jobs[static_cast<size_t>(i)];
    j.worker = i % o.c;
    const Worker& w = workers[static_cast<size_t>(j.worker)];
    sg::client::CsrOptions csr;
    csr.subject = "/CN=bench-" + run_id + "-" + std::to_string(i);
    csr.challenge = o.challenge;
    auto req = sg::client::MakeCsr(*w.key, csr);
    sg::client::MessageOptions m;
    m.transaction_id = "bench-" + run_id + "-" + std::to_string(i);
    m.cipher_nid = cipher;
    m.digest_nid = digest;
    auto msg = sg::client::BuildMessage(*ca, *sg::CsrToDer(**req), *w.signer, *w.key, m);
    if (!msg) return std::fprintf(stderr, "bench: %s\n", msg.error().message.c_str()), 2;
    j.msg = std::move(*msg);
  }

  // Timed: send everything.
  std::atomic<int> next{0};
  double cpu_start = CpuMs();
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.c; ++t) {
    threads.emplace_back([&, t] {
      auto h = sg::client::MakeHttpClient();
      sg::client::ScepClient scep(*h, *url);
      for (int i = next++; i < o.n; i = next++) {
        Job& j = jobs[static_cast<size_t>(i)];
        (void)t;
        auto t0 = Clock::now();
        auto r = scep.PkiOperation(j.msg.der, o.get);
        j.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (r)
          j.reply = std::move(*r);
        else
          j.error = r.error().message;
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  double client_cpu_ms = (CpuMs() - cpu_start) / o.n;  // the load generator's own share

  // Verification (not timed).
  int failures = 0;
  std::string first_error;
  std::vector<double> lat;
  for (auto& j : jobs) {
    lat.push_back(j.latency_ms);
    if (j.error.empty()) {
      const Worker& w = workers[static_cast<size_t>(j.worker)];
      auto rep = sg::client::ReadReply(j.reply, j.msg, *ca, *w.signer, *w.key);
      if (!rep)
        j.error = rep.error().message;
      else if (rep->status != sg::codec::PkiStatus::kSuccess)
        j.error = "FAILURE: " + rep->fail_info_text;
      else if (rep->content.certs.empty())
        j.error = "SUCCESS without a certificate";
      else if (EVP_PKEY_eq(X509_get0_pubkey(rep->content.certs.front().get()), w.key.get()) != 1)
        j.error = "certificate is not for our key";
    }
    if (!j.error.empty()) {
      if (failures++ == 0) first_error = j.error;
    }
  }
  double rate = (o.n - failures) / seconds;  // enrollments: a FAILURE reply issues nothing
  double answers = o.n / seconds;
  if (o.json) {
    std::printf(
        "{\"n\":%d,\"c\":%d,\"get\":%s,\"seconds\":%.3f,\"enrollments_per_s\":%.1f,"
        "\"answers_per_s\":%.1f,"
        "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"mean_ms\":%.2f,\"failures\":%d,"
        "\"client_cpu_ms\":%.3f}\n",
        o.n, o.c, o.get ? "true" : "false", seconds, rate, answers, Percentile(lat, 0.5),
        Percentile(lat, 0.9), Percentile(lat, 0.99), Mean(lat), failures, client_cpu_ms);
  } else {
    std::printf("url=%s n=%d c=%d method=%s key=%s\n", o.url.c_str(), o.n, o.c,
                o.get ? "GET" : "POST", o.key.c_str());
    std::printf(
        "enrollments/s=%.1f answers/s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f mean_ms=%.2f "
        "failures=%d "
        "seconds=%.2f client_cpu_ms=%.3f\n",
        rate, answers, Percentile(lat, 0.5), Percentile(lat, 0.9), Percentile(lat, 0.99), Mean(lat),
        failures, seconds, client_cpu_ms);
  }
  if (failures) std::fprintf(stderr, "first failure: %s\n", first_error.c_str());
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o;
  CLI::App app{"scepgate-bench: SCEP enrollment load generator"};
  app.add_option("--url", o.url, "SCEP URL, e.g. http://127.0.0.1:8080/scep")->required();
  app.add_option("-n", o.n, "enrollments")->check(CLI::Range(1, 1000000));
  app.add_option("-c", o.c, "concurrent connections")->check(CLI::Range(1, 1024));
  app.add_option("--challenge", o.challenge, "challenge password");
  app.add_flag("--get", o.get, "send PKIOperation with GET instead of POST");
  app.add_option("--key", o.key, "client key type (rsa:2048, ec:p256, ...)");
  app.add_option("--exponent-bits", o.exponent_bits,
                 "RSA keys with a random odd public exponent of this many bits (hostile)")
      ->check(CLI::Range(0, 16384));
  app.add_option("--cipher", o.cipher,
                 "content encryption (aes-256-cbc, des-ede3-cbc, des-cbc, ...)");
  app.add_option("--digest", o.digest, "signature digest (sha256, sha1, sha512)");
  app.add_flag("--json", o.json, "print one JSON line");
  CLI11_PARSE(app, argc, argv);
  return Run(o);
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench: %s\n", e.what());
  return 2;
}
