// ContentInfo ::= SEQUENCE { signedData OID, [0] EXPLICIT SignedData }
// SignedData ::= SEQUENCE { version 1, digestAlgorithms SET { digest },
//     encapContentInfo { data OID, [0] EXPLICIT OCTET STRING }, certificates [0] IMPLICIT { cert },
//     signerInfos SET { SignerInfo } }
// SignerInfo ::= SEQUENCE { version 1, IssuerAndSerialNumber, digest, signedAttrs [0] IMPLICIT,
//     rsaEncryption { OID, NULL }, signature OCTET STRING }
#include "codec/signed_writer.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <vector>

#include "codec/der_writer.h"
#include "codec/oids.h"
#include "codec/signed_message.h"

namespace scepgate::codec {
namespace {

// The DER of signingTime's value: UTCTime, or GeneralizedTime from 2050 on.
Result<Bytes> SigningTime() {
  Asn1TimePtr t(ASN1_TIME_set(nullptr, std::time(nullptr)));
  unsigned char* der = nullptr;
  int len = t ? i2d_ASN1_TIME(t.get(), &der) : 0;
  OsslStringPtr owned(reinterpret_cast<char*>(der));
  if (len <= 0) return Fail(CryptoError("cannot encode signingTime"));
  return Bytes(der, der + len);
}

}  // namespace

Result<Bytes> SignMessageDer(ByteView content, const X509& cert, const EVP_PKEY& key,
                             int digest_nid, const ScepAttributes& attrs) {
  if (EVP_PKEY_is_a(&key, "RSA") != 1)
    return Fail(Error::InvalidArgument("the SignedData writer needs an RSA key"));
  const EVP_MD* md = EVP_get_digestbynid(digest_nid);
  Bytes md_oid = DerOid(digest_nid);
  if (md == nullptr || md_oid.empty())
    return Fail(Error::BadAlg("unknown digest " + NidName(digest_nid)));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &digest_len, md, nullptr) != 1)
    return Fail(CryptoError("cannot digest the reply"));
  SG_ASSIGN_OR_RETURN(Bytes signing_time, SigningTime());

  std::vector<Bytes> list;
  list.push_back(DerAttribute(oid::kContentType, DerTlv(kDerOid, oid::kData)));
  list.push_back(DerAttribute(oid::kSigningTime, signing_time));
  list.push_back(DerAttribute(oid::kMessageDigest,
                              DerTlv(kDerOctetString, ByteView(digest.data(), digest_len))));
  for (Bytes& a : EncodeScepAttributes(attrs)) list.push_back(std::move(a));
  std::ranges::sort(list);  // DER: a SET OF in the order of its elements' encodings
  Bytes attr_body;
  for (const Bytes& a : list) attr_body.insert(attr_body.end(), a.begin(), a.end());
  Bytes tbs = DerTlv(kDerSet, attr_body);
  SG_ASSIGN_OR_RETURN(Bytes signature, SignData(*md, key, tbs));

  IssuerSerialDer id = IssuerAndSerialOf(cert);
  SG_ASSIGN_OR_RETURN(Bytes cert_der, CertToDer(cert));
  if (id.issuer.empty()) return Fail(Error::Crypto("cannot encode the signer"));
  Bytes digest_alg = DerTlv(kDerSequence, md_oid);
  Bytes rsa_alg = DerOid(NID_rsaEncryption);
  rsa_alg.insert(rsa_alg.end(), {kDerNull, 0x00});

  const Bytes version1 = {kDerInteger, 0x01, 0x01};
  Bytes ias = id.issuer;
  ias.insert(ias.end(), id.serial.begin(), id.serial.end());
  Bytes si = version1;
  DerAppend(si, kDerSequence, ias);
  si.insert(si.end(), digest_alg.begin(), digest_alg.end());
  DerAppend(si, kDerContext0, attr_body);
  DerAppend(si, kDerSequence, rsa_alg);
  DerAppend(si, kDerOctetString, signature);

  Bytes encap = DerTlv(kDerOid, oid::kData);
  DerAppend(encap, kDerContext0, DerTlv(kDerOctetString, content));
  Bytes sd = version1;
  DerAppend(sd, kDerSet, digest_alg);
  DerAppend(sd, kDerSequence, encap);
  DerAppend(sd, kDerContext0, cert_der);
  DerAppend(sd, kDerSet, DerTlv(kDerSequence, si));
  Bytes ci = DerTlv(kDerOid, oid::kSignedData);
  DerAppend(ci, kDerContext0, DerTlv(kDerSequence, sd));
  return DerTlv(kDerSequence, ci);
}

}  // namespace scepgate::codec
