// The fixture of the tree layout's tests (tree_layout_test.cc, copy_test.cc):
// a subtree <root>/svc of the test server, and a Kafka-like tree to fill it.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "layout/tree/tree_layout.h"
#include "support/zk_test.h"

namespace baton::testing {

class TreeFixture : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    svc_ = root_ + "/svc";
    url_ = "zk://" + ZkAddress() + svc_;
  }
  void TearDown() override {
    zk_.DeleteTree(std::string(layout::kTreeControlRoot) + root_);
    ZkTest::TearDown();
  }
  RunResult Backup(const std::string& tar) {
    return RunBaton(
        {"backup", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_});
  }
  Stat StatOf(const std::string& path) {
    Stat stat{};
    EXPECT_EQ(zoo_exists(zk_.handle(), path.c_str(), 0, &stat), ZOK) << path;
    return stat;
  }
  std::string CreateSequential(const std::string& prefix, int flags = ZOO_PERSISTENT_SEQUENTIAL) {
    char made[512];
    EXPECT_EQ(zoo_create(zk_.handle(), prefix.c_str(), "x", 1, &ZOO_OPEN_ACL_UNSAFE, flags, made,
                         sizeof made),
              ZOK);
    return made;
  }
  // A Kafka-like tree: data and children on one node, empty values, a version
  // counter, a queue with taken items, an ephemeral broker.
  void Populate() {
    zk_.Create(svc_, "root data");
    zk_.Create(svc_ + "/brokers/topics/t1", R"({"partitions":{"0":[1]}})");
    zk_.Create(svc_ + "/brokers/topics/t1/partitions", "");
    zk_.Create(svc_ + "/brokers/seqid", "");
    for (int i = 0; i < 37; ++i) {
      ASSERT_EQ(zoo_set(zk_.handle(), (svc_ + "/brokers/seqid").c_str(), "", 0, -1), ZOK);
    }
    zk_.Create(svc_ + "/config/changes", "");
    std::vector<std::string> made;
    for (int i = 0; i < 30; ++i) made.push_back(CreateSequential(svc_ + "/config/changes/n-"));
    for (int i = 0; i < 10; ++i) ASSERT_EQ(zoo_delete(zk_.handle(), made[i].c_str(), -1), ZOK);
    // Not empty: TestZk::Take leaves out empty nodes whose children are gone.
    zk_.Create(svc_ + "/brokers/ids", "ids");
    CreateSequential(svc_ + "/brokers/ids/b-", ZOO_EPHEMERAL_SEQUENTIAL);
    zk_.Create(svc_ + "/unicode/\xc3\xa9t\xc3\xa9", "caf\xc3\xa9");
  }

  std::string svc_, url_;
};

}  // namespace baton::testing
