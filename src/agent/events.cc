#include "agent/events.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

#include "common/utc_time.h"

namespace scepgate::agent {

void JsonLineEvents::Emit(const Event& event) {
  const std::string when =
      FormatUtcTime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  nlohmann::json j = {{"event", event.id}, {"time", when}};
  for (const auto& [k, v] : event.fields) j[k] = v;
  for (const auto& [k, v] : event.numbers) j[k] = v;
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace scepgate::agent
