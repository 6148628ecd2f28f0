// Shared pieces of the agent's unit tests: a sample payload, self-signed certificates, event
// counting.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agent/events.h"
#include "client/request_builder.h"

namespace scepgate::agent::test {

inline constexpr char kThumb[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

inline std::string PayloadText(const std::string& extra = "") {
  return std::string(R"({"mode":"windows","urls":["http://a/scep","http://b/scep"],)") +
         R"("challenge":"s3cret","subject":"CN=dev,O=Example",)" +
         R"("subject_rdns":[[["O","Example"]],[["CN","dev"],["serialNumber","7"]]],)" +
         R"("sans":["DNS:dev.example.com"],"key_type":"rsa","key_size":2048,"hash":"sha256",)" +
         R"("key_usage":160,"ekus":["1.3.6.1.5.5.7.3.2"],"renewal_threshold":20,)" +
         R"("retry_count":2,"retry_delay_seconds":0,"ca_thumbprint_sha256":")" + kThumb + "\"" +
         extra + "}";
}

struct Pair {
  EvpPkeyPtr key;
  X509Ptr cert;
};
inline Pair SelfSigned(const std::string& cn) {
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  auto cert = client::MakeSelfSignedSigner(*key, cn);
  EXPECT_TRUE(cert);
  return {std::move(key), std::move(*cert)};
}

inline std::string Sha256(const X509& c) { return HexEncode(*Digest("SHA256", *CertToDer(c))); }

inline size_t Count(const std::vector<Event>& events, std::string_view id) {
  return std::ranges::count_if(events, [&](const Event& e) { return e.id == id; });
}

}  // namespace scepgate::agent::test
