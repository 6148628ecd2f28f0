// One RAII alias per libpq handle. Every PGconn, PGresult and libpq-allocated buffer lives in one
// of these.
#pragma once

#include <libpq-fe.h>

#include <memory>

namespace scepgate::store::pg {

struct PqFinisher {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};

struct PqClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

// Buffers that libpq allocates for the caller (PQunescapeBytea, PQescapeByteaConn, ...).
struct PqMemFreer {
  void operator()(void* memory) const { PQfreemem(memory); }
};

using PqConnPtr = std::unique_ptr<PGconn, PqFinisher>;
using PqResultPtr = std::unique_ptr<PGresult, PqClearer>;
using PqBufferPtr = std::unique_ptr<unsigned char, PqMemFreer>;

}  // namespace scepgate::store::pg
