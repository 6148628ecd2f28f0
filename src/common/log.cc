#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace scepgate {

Status InitLogging(std::string_view level, bool json) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off")
    return Fail(Error::InvalidArgument("unknown log level '" + std::string(level) + "'"));
  auto logger = spdlog::stderr_logger_mt("scepgate");
  spdlog::set_default_logger(logger);
  spdlog::set_level(lvl);
  if (json)
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  return {};
}

}  // namespace scepgate
