// Valid inputs for the fuzz targets, built in-process with the codec and test keys (no files).
#pragma once

#include <vector>

#include "common/ossl.h"

namespace scepgate::fuzz {

// A PKCSReq pkiMessage, its EnvelopedData, IssuerAndSubject, IssuerAndSerialNumber, a
// certs-only structure, a GetNextCACert reply, SUCCESS and FAILURE CertReps, the request in base64
// and a GET query string carrying it; HTTP requests (GET, POST, chunked) and REST API bodies. Requests are encrypted to codec::testing::RaCert(), replies
// to codec::testing::ClientCert(). Aborts if any cannot be built.
std::vector<Bytes> BuildSeeds();

}  // namespace scepgate::fuzz
