// A payload's content for the exporter tests: every field set, with values that need escaping.
// Test-only.
#pragma once

#include <openssl/x509v3.h>

#include "client/request_builder.h"
#include "mgmt/payload.h"

namespace scepgate::mgmt {

// A self-signed certificate's DER, to stand for the trusted CA.
inline Bytes TestCaDer() {
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  auto cert = client::MakeSelfSignedSigner(*key, "Test CA");
  return *CertToDer(**cert);
}

inline PayloadContent Sample() {
  PayloadContent c;
  c.profile = "wifi & <vpn>";
  c.cert_type = "device";
  c.device_id = "0b7c2d4e-0000-4000-8000-000000000001";
  c.platform = "windows";
  c.mode = "windows";
  c.urls = {"http://gw1/scep?a=1&b=2", "http://gw2/scep"};
  c.challenge = "ch<&>\"'";
  c.challenge_expires_at = 1700003600;
  c.subject = "CN=dev\\, <1>,O=Example";
  c.subject_rdns = {{{"O", "Example"}}, {{"CN", "dev, <1>"}}};
  c.sans = {"DNS:dev.example.com", "email:a@example.com", "UPN:a@corp", "URI:tag:x"};
  c.key_type = "rsa";
  c.key_size = 2048;
  c.hash = "sha256";
  c.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
  c.ekus = {"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"};
  c.validity_days = 30;
  c.renewal_threshold = 20;
  c.retry_count = 3;
  c.retry_delay_seconds = 90;
  static const Bytes ca = TestCaDer();
  c.ca_der = ca;
  c.root_der = ca;
  c.ca_sha256 = HexEncode(*Digest("SHA256", ca));
  c.ca_sha1 = HexEncode(*Digest("SHA1", ca));
  c.uuid_profile = "11111111-1111-4111-8111-111111111111";
  c.uuid_scep = "22222222-2222-4222-8222-222222222222";
  c.uuid_root = "33333333-3333-4333-8333-333333333333";
  return c;
}

}  // namespace scepgate::mgmt
