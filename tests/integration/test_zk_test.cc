// The test client's own writers: every other test builds its trees with them,
// so a tree they build wrong makes those tests fail at random.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/zk_test.h"

namespace baton::testing {
namespace {

using TestZkTest = ZkTest;

// A batch under a parent that does not exist yet: the parent is made, and
// every node of the batch keeps its value (the retry once made the batch's
// own inner nodes as empty containers first, then took them as made).
TEST_F(TestZkTest, CreateManyUnderAMissingParentKeepsEveryValue) {
  const std::string svc = root_ + "/svc";
  std::vector<NewNode> nodes = {{svc, "outer"}, {svc + "/brokers", "inner"}};
  for (int i = 0; i < 5; ++i) nodes.push_back({svc + "/brokers/b" + std::to_string(i), "leaf"});
  zk_.CreateMany(nodes);
  EXPECT_EQ(zk_.Get(svc), "outer");
  EXPECT_EQ(zk_.Get(svc + "/brokers"), "inner");
  EXPECT_EQ(zk_.Get(svc + "/brokers/b4"), "leaf");
}

}  // namespace
}  // namespace baton::testing
