#include "common/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "common/text.h"

namespace scepgate {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendEscaped(std::string& out, unsigned char c) {
  out += "\\u00";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

// Formats every line through a pattern, with the message made safe first: in plain text each
// control character becomes \xNN (so no message can start a line of its own); as JSON the message
// is one properly escaped string.
class SafeFormatter final : public spdlog::formatter {
 public:
  SafeFormatter(std::string pattern, bool json)
      : pattern_(std::move(pattern)),
        json_(json),
        inner_(std::make_unique<spdlog::pattern_formatter>(pattern_,
                                                           spdlog::pattern_time_type::utc)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string safe = json_ ? EscapeLogJson(AsView(msg)) : EscapeControls(AsView(msg));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(safe.data(), safe.size());
    inner_->format(copy, dest);
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<SafeFormatter>(pattern_, json_);
  }

 private:
  static std::string_view AsView(const spdlog::details::log_msg& msg) {
    return {msg.payload.data(), msg.payload.size()};
  }

  std::string pattern_;
  bool json_;
  std::unique_ptr<spdlog::pattern_formatter> inner_;
};

}  // namespace

std::string EscapeLogJson(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 2);
  for (char ch : message) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      AppendEscaped(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

Status InitLogging(std::string_view level, bool json) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off")
    return Fail(Error::InvalidArgument("unknown log level '" + std::string(level) + "'"));
  auto logger = spdlog::stderr_logger_mt("scepgate");
  logger->set_formatter(
      json ? std::make_unique<SafeFormatter>(
                 R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})", true)
           : std::make_unique<SafeFormatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %v", false));
  spdlog::set_default_logger(logger);
  spdlog::set_level(lvl);
  return {};
}

}  // namespace scepgate
