// Shared pieces of the integration tests: a running gateway, a client for it, and identities
// (key + self-signed signer) to enroll with.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "ca/key_spec.h"
#include "client/enrollment.h"
#include "client/request_builder.h"
#include "client/scep_client.h"
#include "server_process.h"

namespace scepgate::testing {

struct Identity {
  EvpPkeyPtr key;
  X509Ptr signer;  // self-signed, or an issued certificate for renewal
};

// A fresh key (RSA of `bits`, or EC P-256 when bits == 256) with a self-signed signer.
Identity NewIdentity(int bits = 2048);

// Expects (gtest) that the gateway at `url` still issues a certificate to a fresh identity
// presenting `challenge`: what a test of bad input checks afterwards.
void ExpectEnrolls(const std::string& url, const std::string& challenge);

struct EnrollOptions {
  client::CsrOptions csr;
  client::MessageOptions msg;
  bool use_get = false;
};

// Talks SCEP to one gateway. Not thread-safe.
class GatewayClient {
 public:
  explicit GatewayClient(const std::string& url);
  const client::CaCerts& ca() const { return ca_; }
  client::ScepClient& scep() { return *scep_; }

  // Builds a CSR for `id`, sends it and returns the checked CertRep.
  Result<codec::CertRep> Enroll(const Identity& id, EnrollOptions options);
  // Sends ready content (CSR DER, IssuerAndSerial, ...) in a message of options.msg.type.
  Result<codec::CertRep> Send(const Identity& id, ByteView content,
                              const client::MessageOptions& msg, bool use_get = false);
  // Sends raw bytes; returns the HTTP status.
  int PostRaw(const std::string& body, std::string* reply = nullptr);

 private:
  client::Url url_;
  std::unique_ptr<client::HttpClient> http_;
  std::unique_ptr<client::ScepClient> scep_;
  client::CaCerts ca_;
};

}  // namespace scepgate::testing
