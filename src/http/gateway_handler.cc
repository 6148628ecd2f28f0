#include "http/gateway_handler.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "codec/get_message.h"
#include "common/percent.h"
#include "http/conditional.h"

namespace scepgate::http {
namespace {

Response Text(int status, std::string body) {
  return Response{status, "text/plain", std::move(body), {}};
}

Response FromReply(scep::Reply r) {
  Response resp{r.http_status, std::move(r.content_type), std::move(r.body), {}};
  if (r.retry_after_seconds > 0)
    resp.headers.emplace_back("Retry-After", std::to_string(r.retry_after_seconds));
  return resp;
}

}  // namespace

GatewayHandler::GatewayHandler(GatewayRoutes routes, scep::Service& service,
                               scep::CrlPublisher& crls, scep::OcspResponder& ocsp,
                               const scep::CaState& cas, scep::HealthCheck& health, Random& random,
                               RequestMetrics* metrics)
    : routes_(std::move(routes)),
      service_(service),
      crls_(crls),
      ocsp_(ocsp),
      cas_(cas),
      health_(health),
      random_(random),
      metrics_(metrics) {}

bool GatewayHandler::IsScepPath(const std::string& path) const {
  for (const auto& p : routes_.scep_paths)
    if (strcasecmp(p.c_str(), path.c_str()) == 0) return true;
  return false;
}

Admission GatewayHandler::Admit(const Request& head, size_t /*fallback*/) {
  if (head.method == "POST" && IsScepPath(head.path)) return {routes_.max_scep_body, {}};
  constexpr size_t kMaxOcspRequest = 16 * 1024;  // 32 CertIDs with a nonce are under 4 KiB
  if (head.method == "POST" && head.path == routes_.ocsp_path) return {kMaxOcspRequest, {}};
  return {0, {}};
}

Response GatewayHandler::Handle(const Request& request) {
  auto started = std::chrono::steady_clock::now();
  auto id = random_.Generate(8);
  std::string correlation_id = id ? HexEncode(*id) : "-";
  scep::Reply log;
  Response resp;
  if (IsScepPath(request.path)) {
    resp = Scep(request, correlation_id, log);
  } else if (request.path == "/healthz") {
    scep::HealthReport h = health_.Check();
    resp = Text(h.ok ? 200 : 503, std::string(h.ok ? "ok" : "unhealthy") +
                                      "\ndatabase: " + h.database + "\nsigning: " + h.signing +
                                      "\nexpiry: " + h.expiry + "\n");
    if (!h.ok) resp.headers.emplace_back("Retry-After", "5");
    log.message_type = "healthz";
  } else if (request.path == routes_.ocsp_path ||
             request.path.starts_with(routes_.ocsp_path + "/")) {
    resp = Ocsp(request, log.outcome);
    log.message_type = "ocsp";
  } else if (request.path.starts_with(routes_.crl_path + "/") && request.method == "GET") {
    resp = Crl(request, request.path.substr(routes_.crl_path.size() + 1));
    log.message_type = "crl";
  } else {
    resp = Text(404, "not found\n");
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (metrics_ != nullptr)
    metrics_->Gateway(log.message_type.empty() ? "-" : log.message_type, log.outcome, log.fail_info,
                      ms / 1000);
  spdlog::info(
      "remote={} method={} path={} operation={} transaction_id={} outcome={} fail_info={} "
      "http_status={} duration_ms={:.2f} correlation_id={}",
      request.remote_addr, request.method, request.path,
      log.message_type.empty() ? "-" : log.message_type,
      log.transaction_id.empty() ? "-" : log.transaction_id,
      log.outcome.empty() ? "-" : log.outcome, log.fail_info.empty() ? "-" : log.fail_info,
      resp.status, ms, correlation_id);
  return resp;
}

Response GatewayHandler::Scep(const Request& request, const std::string& correlation_id,
                              scep::Reply& log) {
  if (request.method != "GET" && request.method != "POST") {
    Response r = Text(405, "method not allowed\n");
    r.headers.emplace_back("Allow", "GET, POST");
    return r;
  }
  auto op = codec::QueryParam(request.query, "operation");
  if (!op) return Text(400, "malformed query string\n");
  std::string operation = op->value_or("");
  // Some clients POST a pkiMessage without naming the operation.
  if (operation.empty() && request.method == "POST" && !request.body.empty())
    operation = "PKIOperation";
  log.message_type = operation.empty() ? "-" : operation;

  scep::Reply reply;
  if (operation == "GetCACaps") {
    reply = service_.GetCaCaps();
  } else if (operation == "GetCACert") {
    reply = service_.GetCaCert();
  } else if (operation == "GetNextCACert") {
    reply = service_.GetNextCaCert();
  } else if (operation == "PKIOperation") {
    scep::Peer peer{request.remote_addr, correlation_id};
    if (request.method == "POST") {
      reply = service_.PkiOperation(AsView(request.body), peer);
    } else {
      auto msg = codec::QueryParam(request.query, "message");
      if (!msg || !*msg || (*msg)->empty())
        return Text(400, "PKIOperation needs a message parameter\n");
      auto der = codec::DecodeGetMessage(**msg);
      if (!der) return Text(400, "message parameter is not base64\n");
      reply = service_.PkiOperation(*der, peer);
    }
  } else {
    // As an NDES guarded by its policy module: no, or an unknown, operation is forbidden.
    log.outcome = "rejected";
    return Text(403, "operation not permitted\n");
  }
  log.message_type = reply.message_type.empty() ? operation : operation + "/" + reply.message_type;
  log.transaction_id = reply.transaction_id;
  log.outcome = reply.outcome;
  log.fail_info = reply.fail_info;
  return FromReply(std::move(reply));
}

// RFC 6960 appendix A: POST with the DER request as the body, or GET with it base64 (and URL)
// encoded after the path. RFC 5019: a cacheable answer carries max-age (never past nextUpdate),
// Last-Modified, Expires and an ETag (the SHA-1 of the response), and a conditional GET gets 304.
Response GatewayHandler::Ocsp(const Request& request, std::string& outcome) {
  Bytes der;
  if (request.method == "POST" && request.path == routes_.ocsp_path) {
    der.assign(request.body.begin(), request.body.end());
  } else if (request.method == "GET" && request.path.size() > routes_.ocsp_path.size() + 1) {
    auto text = PercentDecode(request.path.substr(routes_.ocsp_path.size() + 1));
    auto decoded = text ? codec::DecodeGetMessage(*text) : Result<Bytes>(Fail(text.error()));
    if (decoded) der = std::move(*decoded);  // else an empty body: malformedRequest
  } else {
    Response r = Text(405, "method not allowed\n");
    r.headers.emplace_back("Allow", "GET, POST");
    return r;
  }
  scep::OcspReply reply = ocsp_.Respond(der);
  outcome = reply.outcome;
  Response r{200, "application/ocsp-response", AsString(reply.der), {}};
  if (!reply.cacheable || routes_.ocsp_cache_seconds <= 0) {
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  const int64_t now = std::time(nullptr);
  const int64_t max_age =
      std::max<int64_t>(0, std::min<int64_t>(routes_.ocsp_cache_seconds, reply.next_update - now));
  auto sha1 = Digest("SHA1", reply.der);
  Validators v{"\"" + (sha1 ? HexEncode(*sha1) : std::string("-")) + "\"", reply.this_update};
  std::string cache_control =
      "max-age=" + std::to_string(max_age) + ", public, no-transform, must-revalidate";
  if (NotModified(request, v)) {
    Response not_modified = NotModifiedResponse(v, cache_control);
    not_modified.headers.emplace_back("Expires", HttpDate(reply.next_update));
    return not_modified;
  }
  AddValidators(r, v);
  r.headers.emplace_back("Cache-Control", cache_control);
  r.headers.emplace_back("Expires", HttpDate(reply.next_update));
  return r;
}

// A CRL changes with every revocation, so caches keep it but ask each time (If-None-Match) and
// get a 304 while it is the same; its entity tag is the issuer's and the CRL number's, the same on
// every node since all serve the stored CRL.
Response GatewayHandler::Crl(const Request& request, const std::string& name) {
  if (!name.ends_with(".crl")) return Text(404, "not found\n");
  std::string id = name.substr(0, name.size() - 4);
  if (id == "current") id = cas_.current().id;
  if (id == "root" && cas_.root_ca() != nullptr) id = cas_.root_ca()->id;
  const bool root = cas_.root_ca() != nullptr && id == cas_.root_ca()->id;
  if (cas_.FindById(id) == nullptr && !root) return Text(404, "no such CRL\n");
  auto crl = crls_.Current(id);
  if (!crl) {
    spdlog::error("cannot produce CRL {}: {}", id, crl.error().message);
    return Text(503, "CRL unavailable\n");
  }
  constexpr std::string_view kCacheControl = "public, no-cache";
  const store::CrlRecord& current = **crl;
  Validators v{"\"" + id.substr(0, 16) + "-" + std::to_string(current.number) + "\"",
               current.this_update};
  if (NotModified(request, v)) return NotModifiedResponse(v, kCacheControl);
  Response r{200, "application/pkix-crl", AsString(current.der), {}};
  AddValidators(r, v);
  r.headers.emplace_back("Cache-Control", std::string(kCacheControl));
  return r;
}

}  // namespace scepgate::http
