// scepgate-ocsp-bench: an OCSP load generator that works against any RFC 6960 responder. Before
// the clock starts it builds one request (SHA-1 CertID, as `openssl ocsp` makes them; no nonce
// unless --nonce, so that responders may answer from a cache) per serial of --serials under the
// issuer of --issuer. It then sends N requests, cycling through the serials, over C kept-alive
// connections (POST application/ocsp-request, or GET with the base64 request in the path), and
// stops the clock. Afterwards it checks every answer: a successful response whose status for the
// asked certificate is the one --expect names, its signature verified against --ca when given.
// Prints responses/s, p50/p90/p99 and mean latency, and failures.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

#include "client/http_client.h"
#include "client/request_builder.h"
#include "common/files.h"
#include "common/ossl.h"
#include "common/percent.h"

namespace sg = scepgate;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string url;
  std::string issuer;
  std::string ca;
  std::string serials;
  std::string expect = "any";
  int n = 10000;
  int c = 16;
  bool get = false;
  bool nonce = false;
  bool json = false;
};

struct Job {
  size_t request = 0;
  std::string reply;
  int http_status = 0;
  double latency_ms = 0;
  std::string error;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::llround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(idx, v.size() - 1)];
}

sg::X509Ptr LoadCert(const std::string& path) {
  auto pem = sg::ReadFile(path);
  if (!pem) return nullptr;
  auto cert = sg::CertFromPem(*pem);
  return cert ? std::move(*cert) : nullptr;
}

int Run(const Options& o) {
  auto url = sg::client::ParseUrl(o.url);
  if (!url) return std::fprintf(stderr, "ocsp-bench: %s\n", url.error().message.c_str()), 2;
  sg::X509Ptr issuer = LoadCert(o.issuer);
  if (!issuer) return std::fprintf(stderr, "ocsp-bench: cannot read %s\n", o.issuer.c_str()), 2;
  sg::X509Ptr ca = o.ca.empty() ? nullptr : LoadCert(o.ca);
  if (!o.ca.empty() && !ca)
    return std::fprintf(stderr, "ocsp-bench: cannot read %s\n", o.ca.c_str()), 2;
  int want = -1;
  if (o.expect == "good") want = V_OCSP_CERTSTATUS_GOOD;
  if (o.expect == "revoked") want = V_OCSP_CERTSTATUS_REVOKED;
  if (o.expect == "unknown") want = V_OCSP_CERTSTATUS_UNKNOWN;

  // Preparation (not timed): one request per serial.
  std::ifstream in(o.serials);
  std::vector<sg::OcspRequestPtr> requests;
  std::vector<std::string> bodies;
  std::vector<std::string> paths;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    BIGNUM* bn = nullptr;
    if (BN_hex2bn(&bn, line.c_str()) == 0) continue;
    sg::BignumPtr owned(bn);
    sg::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn, nullptr));
    sg::OcspRequestPtr req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer.get()),
                                       X509_get0_pubkey_bitstr(issuer.get()), serial.get());
    if (!req || id == nullptr || OCSP_request_add0_id(req.get(), id) == nullptr)
      return std::fprintf(stderr, "ocsp-bench: cannot build a request\n"), 2;
    if (o.nonce && OCSP_request_add1_nonce(req.get(), nullptr, 16) != 1)
      return std::fprintf(stderr, "ocsp-bench: cannot add a nonce\n"), 2;
    unsigned char* der = nullptr;
    int len = i2d_OCSP_REQUEST(req.get(), &der);
    bodies.emplace_back(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    std::string base = url->path;
    if (base.empty() || base.back() != '/') base += '/';
    paths.push_back(base + sg::PercentEncode(sg::Base64Encode(sg::AsView(bodies.back()))));
    requests.push_back(std::move(req));
  }
  if (requests.empty())
    return std::fprintf(stderr, "ocsp-bench: no serial in %s\n", o.serials.c_str()), 2;
  std::vector<Job> jobs(static_cast<size_t>(o.n));
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].request = i % requests.size();

  // Timed.
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.c; ++t) {
    threads.emplace_back([&] {
      auto http = sg::client::MakeHttpClient(10);
      for (int i = next++; i < o.n; i = next++) {
        Job& j = jobs[static_cast<size_t>(i)];
        sg::client::HttpRequest r;
        if (o.get) {
          r.target = paths[j.request];
        } else {
          r.method = "POST";
          r.target = url->path;
          r.body = bodies[j.request];
          r.content_type = "application/ocsp-request";
        }
        auto t0 = Clock::now();
        auto reply = http->Send(*url, r);
        j.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!reply) {
          j.error = reply.error().message;
          continue;
        }
        j.http_status = reply->status;
        j.reply = std::move(reply->body);
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Verification (not timed).
  sg::X509StorePtr store(X509_STORE_new());
  if (ca) X509_STORE_add_cert(store.get(), ca.get());
  sg::X509StackPtr untrusted(sk_X509_new_null());
  X509_up_ref(issuer.get());
  sk_X509_push(untrusted.get(), issuer.get());
  int failures = 0;
  std::string first_error;
  std::vector<double> lat;
  for (Job& j : jobs) {
    lat.push_back(j.latency_ms);
    if (j.error.empty() && j.http_status != 200) j.error = "HTTP " + std::to_string(j.http_status);
    if (j.error.empty()) {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(j.reply.data());
      sg::OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(j.reply.size())));
      sg::OcspBasicRespPtr basic(resp ? OCSP_response_get1_basic(resp.get()) : nullptr);
      OCSP_REQUEST* req = requests[j.request].get();
      OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
      int status = -1, reason = -1;
      ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
      if (!resp || OCSP_response_status(resp.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL || !basic)
        j.error = "not a successful OCSP response";
      else if (OCSP_resp_find_status(basic.get(), id, &status, &reason, &rev, &thisupd, &nextupd) !=
               1)
        j.error = "no answer for the certificate asked about";
      else if (want >= 0 && status != want)
        j.error = "status " + std::to_string(status) + ", not " + o.expect;
      else if (o.nonce && OCSP_check_nonce(req, basic.get()) != 1)
        j.error = "nonce not echoed";
      else if (ca && OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), 0) != 1)
        j.error = "signature does not verify";
    }
    if (!j.error.empty() && failures++ == 0) first_error = j.error;
  }
  double rate = o.n / seconds;
  if (o.json) {
    std::printf(
        "{\"n\":%d,\"c\":%d,\"get\":%s,\"nonce\":%s,\"serials\":%zu,\"seconds\":%.3f,"
        "\"responses_per_s\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
        "\"failures\":%d}\n",
        o.n, o.c, o.get ? "true" : "false", o.nonce ? "true" : "false", requests.size(), seconds,
        rate, Percentile(lat, 0.5), Percentile(lat, 0.9), Percentile(lat, 0.99), failures);
  } else {
    std::printf("url=%s n=%d c=%d method=%s nonce=%s serials=%zu\n", o.url.c_str(), o.n, o.c,
                o.get ? "GET" : "POST", o.nonce ? "yes" : "no", requests.size());
    std::printf("responses/s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f failures=%d seconds=%.2f\n",
                rate, Percentile(lat, 0.5), Percentile(lat, 0.9), Percentile(lat, 0.99), failures,
                seconds);
  }
  if (failures) std::fprintf(stderr, "first failure: %s\n", first_error.c_str());
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o;
  CLI::App app{"scepgate-ocsp-bench: OCSP load generator for any RFC 6960 responder"};
  app.add_option("--url", o.url, "responder URL, e.g. http://127.0.0.1:8080/ocsp")->required();
  app.add_option("--issuer", o.issuer, "PEM of the CA the serials belong to")->required();
  app.add_option("--serials", o.serials, "file of hex serials, one per line")->required();
  app.add_option("--ca", o.ca, "PEM of the trusted root: verify every answer's signature");
  app.add_option("--expect", o.expect, "good|revoked|unknown|any")
      ->check(CLI::IsMember({"good", "revoked", "unknown", "any"}));
  app.add_option("-n", o.n, "requests")->check(CLI::Range(1, 10000000));
  app.add_option("-c", o.c, "concurrent connections")->check(CLI::Range(1, 1024));
  app.add_flag("--get", o.get, "GET with the base64 request in the path instead of POST");
  app.add_flag("--nonce", o.nonce, "add a nonce to each request (no cached answers then)");
  app.add_flag("--json", o.json, "print one JSON line");
  CLI11_PARSE(app, argc, argv);
  return Run(o);
} catch (const std::exception& e) {
  std::fprintf(stderr, "ocsp-bench: %s\n", e.what());
  return 2;
}
