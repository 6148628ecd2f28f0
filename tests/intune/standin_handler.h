// The stand-in's HTTP side: routes requests to the token endpoint, Graph discovery, the two
// Intune services and the control interface, checking each as the real service would, applying
// injected faults and recording every call. Thread-safe (state in StandInState).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/handler.h"
#include "intune/standin.h"
#include "intune/standin_state.h"

namespace scepgate::testing {

// Service names as discovery gives them.
inline constexpr std::string_view kScepService = "ScepRequestValidationFEService";
inline constexpr std::string_view kPkiService = "PkiConnectorFEService";

// Path prefixes under the stand-in's origin (the Intune services' is StandInState::ServicePrefix).
inline constexpr std::string_view kLoginPrefix = "/login/";
inline constexpr std::string_view kGraphPrefix = "/graph/";
inline constexpr std::string_view kControlPrefix = "/standin/";

// A JSON answer.
http::Response JsonResponse(int status, const nlohmann::json& body);

class StandInHandler final : public http::Handler {
 public:
  StandInHandler(const StandInOptions& options, StandInState& state)
      : options_(options), state_(state) {}
  // Set once, after Listen and before serving.
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  const std::string& base_url() const { return base_url_; }

  http::Response Handle(const http::Request& request) override;

 private:
  // The endpoint a path names, or nullopt (404).
  std::optional<Endpoint> Classify(const http::Request& request) const;
  // An injected fault's answer, or nullopt when the call goes on.
  std::optional<http::Response> ApplyFault(Endpoint endpoint, const http::Request& request);
  http::Response Dispatch(Endpoint endpoint, const http::Request& request, RecordedCall& call);
  http::Response Token(const http::Request& request);
  http::Response Discovery(const http::Request& request);
  // Checks common to every call of an Intune service; nullopt when they pass, with `body` parsed.
  std::optional<http::Response> CheckServiceCall(Endpoint endpoint, const http::Request& request,
                                                 nlohmann::json& body);
  http::Response Validate(const nlohmann::json& body, RecordedCall& call);
  http::Response Notify(Endpoint endpoint, const nlohmann::json& body, RecordedCall& call);
  http::Response Download(const nlohmann::json& body);
  http::Response Upload(const nlohmann::json& body);
  // standin_control.cc
  http::Response Control(const http::Request& request);

  const StandInOptions& options_;
  StandInState& state_;
  std::string base_url_;
};

}  // namespace scepgate::testing
