// Writing DER: one tag-length-value at a time, for the structures built by hand (see
// envelope_writer.cc).
#pragma once

#include <array>
#include <cstdint>

#include "common/ossl.h"

namespace scepgate::codec {

// DER tag bytes used by the writers.
inline constexpr uint8_t kDerInteger = 0x02;
inline constexpr uint8_t kDerOctetString = 0x04;
inline constexpr uint8_t kDerNull = 0x05;
inline constexpr uint8_t kDerOid = 0x06;
inline constexpr uint8_t kDerUtf8String = 0x0c;
inline constexpr uint8_t kDerPrintableString = 0x13;
inline constexpr uint8_t kDerSequence = 0x30;
inline constexpr uint8_t kDerSet = 0x31;
inline constexpr uint8_t kDerContext0 = 0xa0;           // [0], constructed
inline constexpr uint8_t kDerContext0Primitive = 0x80;  // [0] IMPLICIT of a primitive type

// Appends tag, definite length (short or long form) and `body` to `out`.
void DerAppend(Bytes& out, uint8_t tag, ByteView body);
// Returns tag, length and `body`.
Bytes DerTlv(uint8_t tag, ByteView body);
// Returns Attribute ::= SEQUENCE { type OID (contents `id`), values SET { `value` } }, `value`
// being one whole DER element.
template <size_t N>
Bytes DerAttribute(const std::array<uint8_t, N>& id, ByteView value) {
  Bytes body = DerTlv(kDerOid, ByteView(id.data(), id.size()));
  DerAppend(body, kDerSet, value);
  return DerTlv(kDerSequence, body);
}

// The DER of a certificate's issuer Name and serialNumber INTEGER, as an IssuerAndSerialNumber
// names the certificate; both empty when either does not encode.
struct IssuerSerialDer {
  Bytes issuer;
  Bytes serial;
};
IssuerSerialDer IssuerAndSerialOf(const X509& cert);

// Returns the whole DER of an OBJECT IDENTIFIER for `nid`; empty when OpenSSL has no OID for it.
Bytes DerOid(int nid);

}  // namespace scepgate::codec
