// OBJECT IDENTIFIER contents (the bytes after tag and length) that the DER walkers and writers
// compare against or write.
#pragma once

#include <array>
#include <cstdint>

namespace scepgate::codec::oid {

// 1.2.840.113549.1.7.1 / .2: id-data, id-signedData.
inline constexpr std::array<uint8_t, 9> kData = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                 0x0d, 0x01, 0x07, 0x01};
inline constexpr std::array<uint8_t, 9> kSignedData = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                       0x0d, 0x01, 0x07, 0x02};
// 1.2.840.113549.1.9.3 / .4 / .5 / .6: contentType, messageDigest, signingTime, countersignature.
inline constexpr std::array<uint8_t, 9> kContentType = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                        0x0d, 0x01, 0x09, 0x03};
inline constexpr std::array<uint8_t, 9> kMessageDigest = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                          0x0d, 0x01, 0x09, 0x04};
inline constexpr std::array<uint8_t, 9> kSigningTime = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                        0x0d, 0x01, 0x09, 0x05};
inline constexpr std::array<uint8_t, 9> kCounterSignature = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                             0x0d, 0x01, 0x09, 0x06};
// 2.16.840.1.113733.1.9.x: the SCEP attributes (RFC 8894 §3.2.1).
inline constexpr std::array<uint8_t, 10> kMessageType = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                         0xf8, 0x45, 0x01, 0x09, 0x02};
inline constexpr std::array<uint8_t, 10> kPkiStatus = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                       0xf8, 0x45, 0x01, 0x09, 0x03};
inline constexpr std::array<uint8_t, 10> kFailInfo = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                      0xf8, 0x45, 0x01, 0x09, 0x04};
inline constexpr std::array<uint8_t, 10> kSenderNonce = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                         0xf8, 0x45, 0x01, 0x09, 0x05};
inline constexpr std::array<uint8_t, 10> kRecipientNonce = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                            0xf8, 0x45, 0x01, 0x09, 0x06};
inline constexpr std::array<uint8_t, 10> kTransactionId = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                           0xf8, 0x45, 0x01, 0x09, 0x07};
// 1.3.6.1.5.5.7.24.1: failInfoText (RFC 8894 §3.2.1.4.2).
inline constexpr std::array<uint8_t, 8> kFailInfoText = {0x2b, 0x06, 0x01, 0x05,
                                                         0x05, 0x07, 0x18, 0x01};

}  // namespace scepgate::codec::oid
