#include "codec/der_reader.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <climits>

namespace scepgate::codec {

std::optional<DerElement> DerReader::Next() {
  if (rest_.empty() || rest_.size() > static_cast<size_t>(LONG_MAX)) return std::nullopt;
  const unsigned char* start = rest_.data();
  const unsigned char* p = start;
  long len = 0;
  int tag = 0;
  int tag_class = 0;
  int ret = ASN1_get_object(&p, &len, &tag, &tag_class, static_cast<long>(rest_.size()));
  if ((ret & 0x80) != 0) {  // malformed header or body longer than the input
    ERR_clear_error();
    return std::nullopt;
  }
  if ((ret & 0x01) != 0 || len < 0) return std::nullopt;  // indefinite length: not DER
  size_t header = static_cast<size_t>(p - start);
  if (header > rest_.size() || static_cast<size_t>(len) > rest_.size() - header)
    return std::nullopt;
  DerElement e;
  e.tag = tag;
  e.tag_class = tag_class;
  e.constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
  e.whole = rest_.subspan(0, header + static_cast<size_t>(len));
  e.body = rest_.subspan(header, static_cast<size_t>(len));
  rest_ = rest_.subspan(header + static_cast<size_t>(len));
  return e;
}

std::optional<DerElement> DerReader::Expect(int tag_class, int tag, bool constructed) {
  DerReader probe = *this;
  std::optional<DerElement> e = probe.Next();
  if (!e || e->tag_class != tag_class || e->tag != tag || e->constructed != constructed) {
    return std::nullopt;
  }
  *this = probe;
  return e;
}

std::optional<int> DerOidNid(const DerElement& e) {
  if (e.tag_class != V_ASN1_UNIVERSAL || e.tag != V_ASN1_OBJECT || e.constructed) {
    return std::nullopt;
  }
  const unsigned char* p = e.whole.data();
  Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(e.whole.size())));
  if (!obj) {
    ERR_clear_error();
    return std::nullopt;
  }
  return OBJ_obj2nid(obj.get());
}

std::optional<ContentInfoElements> ReadContentInfo(ByteView der) {
  DerReader top(der);
  auto ci = top.Expect(V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true);
  if (!ci || !top.AtEnd()) return std::nullopt;
  DerReader c(ci->body);
  auto type = c.Expect(V_ASN1_UNIVERSAL, V_ASN1_OBJECT, false);
  auto wrap = c.Expect(V_ASN1_CONTEXT_SPECIFIC, 0, true);
  if (!type || !wrap || !c.AtEnd()) return std::nullopt;
  DerReader w(wrap->body);
  auto content = w.Expect(V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true);
  if (!content || !w.AtEnd()) return std::nullopt;
  return ContentInfoElements{*type, *content};
}

Bytes DerSequence(ByteView body) {
  if (body.size() > static_cast<size_t>(INT_MAX / 2)) return {};
  int len = static_cast<int>(body.size());
  int total = ASN1_object_size(1, len, V_ASN1_SEQUENCE);
  if (total <= 0) return {};
  Bytes out(static_cast<size_t>(total));
  unsigned char* p = out.data();
  ASN1_put_object(&p, 1, len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
  std::copy(body.begin(), body.end(), p);
  return out;
}

}  // namespace scepgate::codec
