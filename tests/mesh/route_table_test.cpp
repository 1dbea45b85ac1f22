// Downward routes learned from uplinks: lookups, replacement, gaps only, capacity.
#include <gtest/gtest.h>

#include "mesh/route_table.hpp"

namespace {

using meshsec::mesh::RouteTable;
using meshsec::node::no_node;

TEST(RouteTable, TheLatestRouteAwayFromTheGatewayWins) {
  RouteTable t(16);
  EXPECT_EQ(t.next_hop(40), no_node);
  t.learn(40, 7);
  t.learn(12, 7);
  t.learn(90, 3);
  EXPECT_EQ(t.next_hop(40), 7);
  EXPECT_EQ(t.next_hop(90), 3);
  EXPECT_EQ(t.next_hop(41), no_node);
  t.learn(40, 8);  // node 40 moved to another parent: its next uplink came through 8
  EXPECT_EQ(t.next_hop(40), 8);
  EXPECT_EQ(t.size(), 3U);
}

TEST(RouteTable, ARouteFromTheSideOnlyFillsAGap) {
  // Two nodes of one level that carried each other's retries must not come to point at
  // each other for a node they both know a route to.
  RouteTable t(16);
  t.learn(40, 7);
  t.learn(40, 9, false);
  EXPECT_EQ(t.next_hop(40), 7);
  t.learn(41, 9, false);
  EXPECT_EQ(t.next_hop(41), 9);
}

TEST(RouteTable, FullTableLearnsNoNewDestinationButStillUpdates) {
  RouteTable t(2);
  EXPECT_TRUE(t.learn(5, 1));
  EXPECT_TRUE(t.learn(6, 1));
  EXPECT_FALSE(t.learn(7, 1));
  EXPECT_EQ(t.next_hop(7), no_node);
  EXPECT_EQ(t.size(), 2U);
  t.learn(6, 2);
  EXPECT_EQ(t.next_hop(6), 2);
}

TEST(RouteTable, IgnoresTheReservedIds) {
  RouteTable t(16);
  EXPECT_FALSE(t.learn(no_node, 3));
  EXPECT_FALSE(t.learn(4, no_node));
  EXPECT_EQ(t.size(), 0U);
}

}  // namespace
