#include "common/ip_networks.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(IpNetworksTest, MatchesAddressesInsideEachNetworkOnly) {
  auto nets = IpNetworks::Parse({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "fe80::1"});
  ASSERT_TRUE(nets) << nets.error().message;
  EXPECT_TRUE(nets->Contains("10.1.2.3"));
  EXPECT_TRUE(nets->Contains("10.255.255.255"));
  EXPECT_FALSE(nets->Contains("11.0.0.0"));
  EXPECT_TRUE(nets->Contains("192.0.2.7"));
  EXPECT_FALSE(nets->Contains("192.0.2.8"));
  EXPECT_TRUE(nets->Contains("2001:db8:1::5"));
  EXPECT_FALSE(nets->Contains("2001:db9::5"));
  EXPECT_TRUE(nets->Contains("fe80::1"));
  EXPECT_FALSE(nets->Contains("fe80::2"));
  EXPECT_FALSE(nets->Contains("not-an-address"));
  EXPECT_FALSE(nets->Contains(""));
}

TEST(IpNetworksTest, AnIpv4MappedIpv6PeerIsItsIpv4Address) {
  auto nets = IpNetworks::Parse({"127.0.0.0/8"});
  ASSERT_TRUE(nets);
  EXPECT_TRUE(nets->Contains("::ffff:127.0.0.1"));
  EXPECT_FALSE(nets->Contains("::1"));
}

TEST(IpNetworksTest, PrefixesThatAreNotByteAlignedMatchBitByBit) {
  auto nets = IpNetworks::Parse({"192.0.2.64/26"});
  ASSERT_TRUE(nets);
  EXPECT_FALSE(nets->Contains("192.0.2.63"));
  EXPECT_TRUE(nets->Contains("192.0.2.64"));
  EXPECT_TRUE(nets->Contains("192.0.2.127"));
  EXPECT_FALSE(nets->Contains("192.0.2.128"));
  auto all = IpNetworks::Parse({"0.0.0.0/0"});
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Contains("203.0.113.9"));
  EXPECT_FALSE(all->Contains("2001:db8::1"));  // an IPv4 /0 is every IPv4 address, not IPv6
}

TEST(IpNetworksTest, RefusesWhatIsNotANetworkNamingTheEntry) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.1/8", "2001:db8::/129", "host.example",
                          "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1", "", "1.2.3"}) {
    auto nets = IpNetworks::Parse({"127.0.0.1", bad});
    ASSERT_FALSE(nets) << bad;
    EXPECT_NE(nets.error().message.find("'" + std::string(bad) + "'"), std::string::npos)
        << nets.error().message;
  }
  auto empty = IpNetworks::Parse({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace scepgate
