#include "agent/events.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace scepgate::agent {

void JsonLineEvents::Emit(const Event& event) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::json j = {{"event", event.id}, {"time", when}};
  for (const auto& [k, v] : event.fields) j[k] = v;
  for (const auto& [k, v] : event.numbers) j[k] = v;
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace scepgate::agent
