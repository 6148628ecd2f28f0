// A bounds-checked cursor over DER (definite lengths only), for the few structures OpenSSL offers
// no getter for. Safe on arbitrary bytes: every read is limited to the enclosing element.
#pragma once

#include <cstdint>
#include <optional>

#include "common/ossl.h"

namespace scepgate::codec {

// One element: its tag, where its whole encoding starts and how long it is, and its body.
struct DerElement {
  int tag = 0;
  int tag_class = 0;  // V_ASN1_UNIVERSAL, V_ASN1_CONTEXT_SPECIFIC, ...
  bool constructed = false;
  ByteView whole;  // header + body
  ByteView body;
};

class DerReader {
 public:
  explicit DerReader(ByteView data) : rest_(data) {}

  // Returns the next element and moves past it, or nullopt when the bytes are not a well-formed
  // definite-length header or the element runs past the end.
  std::optional<DerElement> Next();
  // Returns the next element if it has this class, tag and constructed bit; otherwise nullopt and
  // the cursor does not move.
  std::optional<DerElement> Expect(int tag_class, int tag, bool constructed);

  bool AtEnd() const { return rest_.empty(); }

 private:
  ByteView rest_;
};

// Returns the NID of an OBJECT IDENTIFIER element (NID_undef when unknown), or nullopt when the
// element is not a well-formed OID.
std::optional<int> DerOidNid(const DerElement& e);

// A ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SEQUENCE } that spans all of
// `der`, in DER: its contentType element and the SEQUENCE inside [0]; nullopt for anything else.
struct ContentInfoElements {
  DerElement type;
  DerElement content;
};
std::optional<ContentInfoElements> ReadContentInfo(ByteView der);

// Wraps `body` in a constructed universal SEQUENCE header.
Bytes DerSequence(ByteView body);

}  // namespace scepgate::codec
