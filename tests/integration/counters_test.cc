// Counters a restore brings back (zk/counters.h), against the real server:
// a data version reached again, and a parent's cversion raised so that its
// next sequential child sorts after every child recreated by name.
#include "zk/counters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "baton/zk_url.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

class CountersTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    session_ = std::make_unique<zk::ZkSession>(ZkUrl::Parse(zk_url_), ZkTimeouts{});
    session_->EnsureContainers(state_);
    writer_ = std::make_unique<zk::BatchWriter>(*session_, 512 << 10, 1000, 8);
  }
  void TearDown() override {
    writer_.reset();
    session_.reset();
    ZkTest::TearDown();
  }
  Stat StatOf(const std::string& path) {
    Stat stat{};
    EXPECT_EQ(zoo_exists(zk_.handle(), path.c_str(), 0, &stat), ZOK) << path;
    return stat;
  }
  // The name the server gives the next sequential child "q-" of `parent`.
  std::string NextSequential(const std::string& parent) {
    char made[512];
    const std::string prefix = parent + "/q-";
    EXPECT_EQ(zoo_create(zk_.handle(), prefix.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE,
                         ZOO_PERSISTENT_SEQUENTIAL, made, sizeof made),
              ZOK);
    return std::string(made).substr(parent.size() + 1);
  }

  std::unique_ptr<zk::ZkSession> session_;
  std::unique_ptr<zk::BatchWriter> writer_;
};

TEST_F(CountersTest, ANodeIsCreatedAtItsRecordedVersion) {
  zk::CounterBudget budget(1000);
  zk::CreateAtVersion(*writer_, budget, state_ + "/seqid", "payload", nullptr, 37);
  zk::CreateAtVersion(*writer_, budget, state_ + "/fresh", "new", nullptr, 0);
  writer_->Flush();
  EXPECT_EQ(zk_.Get(state_ + "/seqid"), "payload");
  EXPECT_EQ(StatOf(state_ + "/seqid").version, 37);
  EXPECT_EQ(zk_.Get(state_ + "/fresh"), "new");
  EXPECT_EQ(StatOf(state_ + "/fresh").version, 0);
  EXPECT_EQ(budget.used(), 37u);
}

// A queue of 30 offers and 10 takes has cversion 40 and items 10..29; its
// next offer is q-0000000030. Made again by name under a new parent, the next
// offer would be q-0000000020 (and fail: it exists); with the cversion raised
// it is q-0000000030 again, as if nothing had happened.
TEST_F(CountersTest, TheNextSequentialChildSortsAfterTheRestoredOnes) {
  const std::string queue = state_ + "/queue";
  zk::CounterBudget budget(1000);
  writer_->Create(queue, "");
  zk::RaiseChildVersion(*writer_, budget, queue, 40 - 20);
  for (int i = 10; i < 30; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/q-%010d", i);
    writer_->Create(queue + name, "item");
  }
  writer_->Flush();
  EXPECT_EQ(StatOf(queue).cversion, 40);
  EXPECT_EQ(NextSequential(queue), "q-0000000030");
  EXPECT_THAT(zk_.Children(queue), Not(Contains(zk::kCounterChild)));
}

TEST_F(CountersTest, PastTheBudgetNodesKeepLowerCountersAndAreNamed) {
  zk::CounterBudget budget(10);
  zk::CreateAtVersion(*writer_, budget, state_ + "/a", "kept", nullptr, 5);
  zk::CreateAtVersion(*writer_, budget, state_ + "/b", "data", nullptr, 37);
  writer_->Create(state_ + "/p", "");
  EXPECT_FALSE(zk::RaiseChildVersion(*writer_, budget, state_ + "/p", 100));
  writer_->Flush();
  EXPECT_EQ(StatOf(state_ + "/a").version, 5);
  EXPECT_EQ(zk_.Get(state_ + "/b"), "data");
  EXPECT_EQ(StatOf(state_ + "/b").version, 0);
  EXPECT_EQ(budget.used(), 5u);
  EXPECT_THAT(budget.left_behind(), ElementsAre(state_ + "/b", state_ + "/p"));
  EXPECT_EQ(budget.left_behind_count(), 2u);
}

}  // namespace
}  // namespace baton::testing
