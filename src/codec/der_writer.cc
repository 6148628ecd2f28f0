#include "codec/der_writer.h"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include <array>

namespace scepgate::codec {

void DerAppend(Bytes& out, uint8_t tag, ByteView body) {
  out.push_back(tag);
  size_t n = body.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else {
    std::array<uint8_t, sizeof(size_t)> len{};
    size_t count = 0;
    for (size_t v = n; v != 0; v >>= 8) len[count++] = static_cast<uint8_t>(v & 0xff);
    out.push_back(static_cast<uint8_t>(0x80 | count));
    while (count > 0) out.push_back(len[--count]);
  }
  out.insert(out.end(), body.begin(), body.end());
}

Bytes DerTlv(uint8_t tag, ByteView body) {
  Bytes out;
  out.reserve(body.size() + 1 + 1 + sizeof(size_t));
  DerAppend(out, tag, body);
  return out;
}

namespace {

template <typename T>
Bytes Encode(const T& value, int (*i2d)(const T*, unsigned char**)) {
  unsigned char* der = nullptr;
  int len = i2d(&value, &der);
  OsslStringPtr owned(reinterpret_cast<char*>(der));
  return len > 0 ? Bytes(der, der + len) : Bytes();
}

}  // namespace

IssuerSerialDer IssuerAndSerialOf(const X509& cert) {
  IssuerSerialDer out{Encode<X509_NAME>(*X509_get_issuer_name(&cert), i2d_X509_NAME),
                      Encode<ASN1_INTEGER>(*X509_get0_serialNumber(&cert), i2d_ASN1_INTEGER)};
  if (out.issuer.empty() || out.serial.empty()) return {};
  return out;
}

Bytes DerOid(int nid) {
  const ASN1_OBJECT* obj = OBJ_nid2obj(nid);
  int len = obj != nullptr ? i2d_ASN1_OBJECT(obj, nullptr) : 0;
  if (len <= 0) return {};
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_ASN1_OBJECT(obj, &p) != len) return {};
  return out;
}

}  // namespace scepgate::codec
