#include "http/request_head.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/field.hpp>

#include <cctype>
#include <limits>

namespace scepgate::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxFields = 100;

std::unexpected<Refusal> Refuse(int status, std::string reason) {
  return std::unexpected(Refusal{status, std::move(reason)});
}

// A byte no request line or header field may carry (HT is allowed inside field values).
bool IsForbiddenControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// Refuses line endings other than CRLF and control characters anywhere in the head.
std::optional<Refusal> CheckBytes(std::string_view head) {
  for (size_t i = 0; i < head.size(); ++i) {
    auto c = static_cast<unsigned char>(head[i]);
    if (c == '\r') {
      if (i + 1 >= head.size() || head[i + 1] != '\n') return Refusal{400, "bare CR in the head"};
      ++i;
      continue;
    }
    if (c == '\n') return Refusal{400, "bare LF in the head"};
    if (IsForbiddenControl(c)) return Refusal{400, "control character in the head"};
  }
  return std::nullopt;
}

// The size, count and form of the header field lines (everything after the request line).
std::optional<Refusal> CheckFieldLines(std::string_view fields, const HeadLimits& limits) {
  if (fields.size() > limits.max_header_bytes) return Refusal{431, "header fields too large"};
  size_t count = 0;
  while (!fields.empty()) {
    size_t end = fields.find(kCrlf);
    std::string_view line = fields.substr(0, end);
    fields.remove_prefix(end == std::string_view::npos ? fields.size() : end + kCrlf.size());
    if (line.empty()) break;  // the blank line that ends the head
    if (line.front() == ' ' || line.front() == '\t')
      return Refusal{400, "obsolete line folding (obs-fold) in a header field"};
    if (++count > kMaxFields) return Refusal{431, "too many header fields"};
  }
  return std::nullopt;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The transfer-coding rules: chunked only, never on HTTP/1.0, never beside Content-Length.
std::optional<Refusal> CheckFraming(const bhttp::request_header<>& req) {
  size_t codings = req.count(bhttp::field::transfer_encoding);
  if (codings == 0) return std::nullopt;
  if (req.version() < 11) return Refusal{400, "Transfer-Encoding on an HTTP/1.0 request"};
  if (req.count(bhttp::field::content_length) != 0)
    return Refusal{400, "both Transfer-Encoding and Content-Length"};
  auto raw = req[bhttp::field::transfer_encoding];
  std::string_view value(raw.data(), raw.size());
  size_t first = value.find_first_not_of(" \t");
  size_t last = value.find_last_not_of(" \t");
  std::string coding = first == std::string_view::npos
                           ? std::string()
                           : Lower(value.substr(first, last - first + 1));
  if (codings != 1 || coding != "chunked")
    return Refusal{501, "transfer coding not implemented (only chunked is)"};
  return std::nullopt;
}

}  // namespace

std::optional<size_t> FindHeadEnd(std::string_view data) {
  size_t at = data.find("\r\n\r\n");
  if (at == std::string_view::npos) return std::nullopt;
  return at + 4;
}

std::optional<Refusal> HeadTooLarge(std::string_view data, const HeadLimits& limits) {
  size_t line_end = data.find(kCrlf);
  if (line_end == std::string_view::npos)
    return data.size() > limits.max_request_line
               ? std::optional<Refusal>(Refusal{414, "request line too long"})
               : std::nullopt;
  if (line_end > limits.max_request_line) return Refusal{414, "request line too long"};
  // The fields may still end with the blank line: allow for it beyond the limit.
  if (data.size() - line_end - kCrlf.size() > limits.max_header_bytes + kCrlf.size())
    return Refusal{431, "header fields too large"};
  return std::nullopt;
}

std::expected<Head, Refusal> ParseHead(RequestParser& parser, std::string_view head,
                                       const HeadLimits& limits) {
  size_t line_end = head.find(kCrlf);
  if (line_end == std::string_view::npos) return Refuse(400, "no request line");
  if (line_end > limits.max_request_line) return Refuse(414, "request line too long");
  if (auto bad = CheckBytes(head)) return std::unexpected(std::move(*bad));
  if (auto bad = CheckFieldLines(head.substr(line_end + kCrlf.size()), limits))
    return std::unexpected(std::move(*bad));

  parser.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(head.size() + 1, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // the route's limit comes later
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(head.data(), head.size()), ec);
  if (ec == bhttp::error::bad_version) return Refuse(505, "HTTP version not supported");
  if (ec || !parser.is_header_done()) return Refuse(400, "malformed request: " + ec.message());
  const auto& req = parser.get();
  if (req.version() != 10 && req.version() != 11) return Refuse(505, "HTTP version not supported");
  if (auto bad = CheckFraming(req.base())) return std::unexpected(std::move(*bad));

  Head out;
  out.request.method = std::string(req.method_string());
  out.request.target = std::string(req.target());
  std::tie(out.request.path, out.request.query) = SplitTarget(out.request.target);
  for (const auto& field : req)
    out.request.headers.emplace_back(
        Lower(std::string_view(field.name_string().data(), field.name_string().size())),
        std::string(field.value()));
  if (auto length = parser.content_length()) out.content_length = *length;
  out.chunked = parser.chunked();
  out.keep_alive = req.keep_alive();
  return out;
}

}  // namespace scepgate::http
