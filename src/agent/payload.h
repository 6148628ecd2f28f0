// The enrollment payload scepgate-agent reads (written by `scepgate payload --format json`, see
// mgmt/payload_json.cc), and the state it keeps beside the certificate for renewals: the same
// document without the challenge. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ossl.h"
#include "common/rfc4514.h"

namespace scepgate::agent {

// The subject to ask for: RDNs in DER order, each a set of (type, value) (common/rfc4514.h).
using scepgate::NameRdns;

struct AgentPayload {
  std::string profile;
  std::string device_id;
  std::string platform;
  std::string mode;  // android|windows|ios
  std::vector<std::string> urls;
  std::string challenge;  // empty in the state file
  std::string subject;    // RFC 4514, for people
  NameRdns subject_rdns;
  std::vector<std::string> sans;  // "DNS:x", "email:x", "UPN:x", "URI:x", "IP:x"
  std::string key_type = "rsa";
  int key_size = 2048;
  std::string hash = "sha256";
  uint32_t key_usage = 0;
  std::vector<std::string> ekus;  // dotted OIDs
  int validity_days = 0;
  int renewal_threshold = 20;  // percent of the lifetime left when renewal starts
  int retry_count = 3;
  int64_t retry_delay_seconds = 60;
  std::string ca_sha256;  // lower-case hex: the CA the agent pins
  Bytes ca_der;           // that CA's certificate (may be empty)
};

// Parses a payload or state document. kInvalidArgument naming the field that is missing or bad
// (no URL, a mode other than android|windows|ios, a thumbprint that is not 64 hex digits, ...).
Result<AgentPayload> ParsePayload(std::string_view json);

// The state document: the payload without its challenge.
std::string StateJson(const AgentPayload& payload);

// The subject as an X509_NAME. kInvalidArgument for an unknown attribute type.
Result<X509NamePtr> SubjectName(const NameRdns& rdns);

}  // namespace scepgate::agent
