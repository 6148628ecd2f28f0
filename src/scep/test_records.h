// Records the scep unit tests put in a store by hand. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "store/certificates.h"

namespace scepgate::scep::testing {

// A certificate record with only what CRLs and OCSP read: serial, issuer, creation time.
inline void InsertCertificate(store::CertificateStore& store, const std::string& serial,
                              const std::string& issuer_id, int64_t created_at) {
  store::CertificateRecord rec;
  rec.serial = serial;
  rec.issuer_id = issuer_id;
  rec.created_at = created_at;
  ASSERT_TRUE(store.InsertCertificate(rec));
}

}  // namespace scepgate::scep::testing
