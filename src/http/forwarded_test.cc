#include "http/forwarded.h"

#include <gtest/gtest.h>

namespace scepgate::http {
namespace {

IpNetworks Proxies() { return *IpNetworks::Parse({"10.0.0.0/8", "127.0.0.1"}); }

TEST(ClientAddressTest, AHeaderFromAnUntrustedPeerIsIgnored) {
  EXPECT_EQ(ClientAddress(Proxies(), "203.0.113.5", "198.51.100.1"), "203.0.113.5");
  EXPECT_EQ(ClientAddress(IpNetworks{}, "127.0.0.1", "198.51.100.1"), "127.0.0.1");
}

TEST(ClientAddressTest, ATrustedPeerWithoutTheHeaderIsTheClient) {
  EXPECT_EQ(ClientAddress(Proxies(), "10.0.0.2", ""), "10.0.0.2");
}

TEST(ClientAddressTest, TheNearestUntrustedHopIsTheClientNotWhatTheClientPrepended) {
  // The client wrote "1.2.3.4" itself; nginx appended the address it saw, 198.51.100.7.
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", "1.2.3.4, 198.51.100.7"), "198.51.100.7");
  // Two proxies in a row: both trusted hops are skipped.
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", "198.51.100.7,10.1.1.1 , 10.2.2.2"),
            "198.51.100.7");
  EXPECT_EQ(ClientAddress(Proxies(), "10.0.0.9", "2001:db8::42"), "2001:db8::42");
}

TEST(ClientAddressTest, EveryHopTrustedGivesTheLeftmost) {
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", "10.9.9.9, 10.1.1.1"), "10.9.9.9");
}

TEST(ClientAddressTest, AMalformedHopStopsTheWalkAtTheLastTrustedAddress) {
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", "198.51.100.7, unknown"), "127.0.0.1");
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", "evil\r\nx, 10.1.1.1"), "10.1.1.1");
  EXPECT_EQ(ClientAddress(Proxies(), "127.0.0.1", " , ,198.51.100.7, "), "198.51.100.7");
}

}  // namespace
}  // namespace scepgate::http
