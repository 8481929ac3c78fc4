// Leader election under <path>/leader against the real ZooKeeper: one leader
// among several candidates, failover when the leader's session ends, and an
// abdicated candidate rejoining behind the others.
#include "server/leader_election.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "baton/zk_url.h"
#include "support/test_env.h"

namespace baton::server {
namespace {

using ::testing::HasSubstr;

using std::chrono::milliseconds;

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::UniqueRoot("election");
    path_ = root_ + "/leader";
  }
  void TearDown() override { testing::TestZk().DeleteTree(root_); }

  std::unique_ptr<zk::ZkSession> Session() {
    return std::make_unique<zk::ZkSession>(ZkUrl::Parse("zk://" + testing::ZkAddress() + root_),
                                           ZkTimeouts{.connect_ms = 10000, .session_ms = 4000});
  }

  std::string root_, path_;
};

TEST_F(LeaderElectionTest, OneLeaderAndFailoverWhenItsSessionEnds) {
  auto s1 = Session(), s2 = Session(), s3 = Session();
  auto a = std::make_unique<LeaderElection>(*s1, path_, "127.0.0.1:8081");
  LeaderElection b(*s2, path_, "127.0.0.1:8082");
  LeaderElection c(*s3, path_, "127.0.0.1:8083");
  a->Join();
  ASSERT_TRUE(a->WaitForLeadership(milliseconds(5000)));
  b.Join();
  c.Join();
  EXPECT_FALSE(b.WaitForLeadership(milliseconds(300)));
  EXPECT_FALSE(c.is_leader());
  EXPECT_EQ(b.Leader(), "127.0.0.1:8081");

  // The leader's process dies: its session closes and its node goes.
  a.reset();
  s1.reset();
  ASSERT_TRUE(b.WaitForLeadership(milliseconds(5000)));
  EXPECT_FALSE(c.is_leader());
  EXPECT_EQ(c.Leader(), "127.0.0.1:8082");
}

TEST_F(LeaderElectionTest, AbdicatedLeaderRejoinsBehindTheOthers) {
  auto s1 = Session(), s2 = Session();
  LeaderElection a(*s1, path_, "a:1");
  LeaderElection b(*s2, path_, "b:2");
  a.Join();
  ASSERT_TRUE(a.WaitForLeadership(milliseconds(5000)));
  b.Join();
  a.Leave();
  EXPECT_FALSE(a.is_leader());
  ASSERT_TRUE(b.WaitForLeadership(milliseconds(5000)));
  a.Join();
  EXPECT_FALSE(a.WaitForLeadership(milliseconds(300)));
  EXPECT_EQ(a.Leader(), "b:2");
  // Nodes are named as Curator's LeaderLatch names them.
  auto children = s1->Children(path_);
  ASSERT_TRUE(children);
  ASSERT_EQ(children->size(), 2u);
  for (const auto& name : *children) {
    EXPECT_TRUE(name.starts_with("_c_")) << name;
    EXPECT_THAT(name, HasSubstr("-latch-"));
  }
}

TEST_F(LeaderElectionTest, AMiddleCandidateLeavingChangesNothingAtTheTop) {
  auto s1 = Session(), s2 = Session(), s3 = Session();
  LeaderElection a(*s1, path_, "a:1");
  LeaderElection b(*s2, path_, "b:2");
  LeaderElection c(*s3, path_, "c:3");
  a.Join();
  ASSERT_TRUE(a.WaitForLeadership(milliseconds(5000)));
  b.Join();
  c.Join();
  b.Leave();
  EXPECT_FALSE(c.WaitForLeadership(milliseconds(500)));
  EXPECT_TRUE(a.is_leader());
  a.Leave();  // c now follows a directly and takes over
  EXPECT_TRUE(c.WaitForLeadership(milliseconds(5000)));
}

}  // namespace
}  // namespace baton::server
