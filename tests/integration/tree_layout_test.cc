// The tree layout (issue 15): any subtree backed up and restored node by
// node, with what clients depend on beyond data: ACLs, data versions and the
// numbering of sequential children; ephemeral nodes left out.
#include "layout/tree/tree_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "layout/marathon/backup_item.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

class TreeLayoutTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    svc_ = root_ + "/svc";
    url_ = "zk://" + ZkAddress() + svc_;
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

TEST_F(TreeLayoutTest, ASubtreeComesBackWithItsCounters) {
  Populate();
  Snapshot before = zk_.Take(svc_);
  before.erase("/brokers/ids/" + zk_.Children(svc_ + "/brokers/ids").front());  // ephemeral
  const std::string tar = dir_ + "/tree.tar";
  RunResult backup =
      RunBaton({"backup", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  RunResult inspect = RunBaton({"inspect", "--json", "file://" + tar});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["layout"], "tree");

  for (const std::string& child : zk_.Children(svc_)) zk_.DeleteTree(svc_ + "/" + child);
  RunResult restore =
      RunBaton({"restore", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;

  Snapshot after = zk_.Take(svc_);
  EXPECT_EQ(Diff(before, after), "");
  EXPECT_EQ(StatOf(svc_ + "/brokers/seqid").version, 37);
  EXPECT_EQ(StatOf(svc_ + "/config/changes").cversion, 40);
  EXPECT_THAT(CreateSequential(svc_ + "/config/changes/n-"), HasSubstr("n-0000000030"));
  // The left-out ephemeral's number is not handed out again either.
  EXPECT_THAT(CreateSequential(svc_ + "/brokers/ids/b-", ZOO_EPHEMERAL_SEQUENTIAL),
              HasSubstr("b-0000000001"));
}

TEST_F(TreeLayoutTest, ABackupOfOneLayoutIsNotRestoredAsTheOther) {
  Populate();
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(
      RunBaton({"backup", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_})
          .exit_code,
      0);
  RunResult r = RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", url_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--layout tree"));
}

TEST(TreeEntryNames, NeverParseAsMarathonEntities) {
  for (const char* rel : {"", "/items/x", "/versions/x/2020-01-01T00:00:00.000Z", "/a/items/b"}) {
    const std::string name = std::string(layout::kTreeEntryPrefix) + rel;
    EXPECT_THROW(marathon::BackupItem::FromEntryName(name), Error) << name;
  }
}

}  // namespace
}  // namespace baton::testing
