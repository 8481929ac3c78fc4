// baton copy (issue 15): a subtree moved from one ensemble into another, as
// zkcopy is used when ZooKeeper moves to new machines, with a restore's
// guarantees: data, ACLs and counters; nothing touched when refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "integration/tree_fixture.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

class CopyTest : public TreeFixture {
 protected:
  void TearDown() override {
    if (!target_.empty()) {
      TestZk ensemble(EnsembleAddress());
      ensemble.DeleteTree(target_);
      ensemble.DeleteTree(std::string(layout::kTreeControlRoot) + target_);
    }
    TreeFixture::TearDown();
  }
  std::string target_;  // on the ensemble
};

TEST_F(CopyTest, AKafkaTreeMovesFromAStandaloneServerIntoAnEnsemble) {
  Populate();
  // A node only its readers and writers may change (no ADMIN): the copy
  // keeps that ACL.
  ACL read_write{ZOO_PERM_READ | ZOO_PERM_WRITE,
                 {const_cast<char*>("world"), const_cast<char*>("anyone")}};
  ACL_vector acl{1, &read_write};
  zk_.Create(svc_ + "/config/locked", "locked");
  ASSERT_EQ(zoo_set_acl(zk_.handle(), (svc_ + "/config/locked").c_str(), -1, &acl), ZOK);
  Snapshot before = zk_.Take(svc_);
  before.erase("/brokers/ids/" + zk_.Children(svc_ + "/brokers/ids").front());  // ephemeral

  target_ = UniqueRoot("copy-target");
  const std::string spool = dir_ + "/spool";
  std::filesystem::create_directory(spool);
  RunResult copy = RunBaton({"copy", "--json", "--spool_dir", spool, "zk://" + ZkAddress() + svc_,
                             "zk://" + EnsembleAddress() + target_});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  nlohmann::json result = nlohmann::json::parse(copy.out);
  EXPECT_EQ(result["nodes"], before.size() + 1);  // the ephemeral's parent counted, not it
  EXPECT_EQ(result["ephemerals_left_out"], 1);
  EXPECT_GT(result["spooled_bytes"], 0);
  EXPECT_EQ(result["safety_backup"], "");  // there was no target to keep

  TestZk ensemble(EnsembleAddress());
  ensemble.Sync(target_);
  EXPECT_EQ(Diff(before, ensemble.Take(target_)), "");
  Stat stat{};
  ACL_vector got{};
  ASSERT_EQ(zoo_get_acl(ensemble.handle(), (target_ + "/config/locked").c_str(), &got, &stat), ZOK);
  ASSERT_EQ(got.count, 1);
  EXPECT_EQ(got.data[0].perms, ZOO_PERM_READ | ZOO_PERM_WRITE);
  deallocate_ACL_vector(&got);
  // The counters: a version counter and a queue's sequential numbering.
  ASSERT_EQ(zoo_exists(ensemble.handle(), (target_ + "/brokers/seqid").c_str(), 0, &stat), ZOK);
  EXPECT_EQ(stat.version, 37);
  char made[512];
  ASSERT_EQ(zoo_create(ensemble.handle(), (target_ + "/config/changes/n-").c_str(), "x", 1,
                       &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, made, sizeof made),
            ZOK);
  EXPECT_THAT(made, HasSubstr("n-0000000030"));

  // Copied again over the target, which is now there: the target is saved
  // first to a file that outlives the command, as a restore saves it.
  const std::string safety = dir_ + "/safety";
  RunResult again = RunBaton({"copy", "--json", "--safety_backup_dir", safety,
                              "zk://" + ZkAddress() + svc_, "zk://" + EnsembleAddress() + target_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const std::string saved = nlohmann::json::parse(again.out)["safety_backup"];
  EXPECT_THAT(saved, ::testing::StartsWith("file://" + safety + "/safety-"));
  ASSERT_TRUE(std::filesystem::exists(saved.substr(7))) << saved;
  RunResult verify = RunBaton({"verify", saved});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

// A copy that would read what it writes, or delete what it reads, is refused
// before anything is touched, however the one server is named.
TEST_F(CopyTest, ATargetOverlappingTheSourceOnOneEnsembleIsRefused) {
  Populate();
  Snapshot before = zk_.Take(svc_);
  const std::string port = ZkAddress().substr(ZkAddress().rfind(':'));
  struct Case {
    std::string source, target, says;
  } cases[] = {
      {"zk://" + ZkAddress() + svc_, "zk://" + ZkAddress() + svc_ + "/copy", "inside the source"},
      {"zk://" + ZkAddress() + svc_, "zk://localhost" + port + svc_ + "/copy", "inside the source"},
      {"zk://" + ZkAddress() + svc_ + "/config", "zk://" + ZkAddress() + svc_, "holds the source"},
      {"zk://" + ZkAddress() + svc_, "zk://localhost" + port + svc_, "is the source"},
  };
  for (const Case& c : cases) {
    RunResult r = RunBaton({"copy", c.source, c.target});
    EXPECT_EQ(r.exit_code, kExitUsage) << c.target << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.says)) << c.target;
  }
  EXPECT_EQ(Diff(before, zk_.Take(svc_)), "");
  EXPECT_FALSE(zk_.Exists(svc_ + "/copy"));

  // A restore into its own source (a backup of this ensemble's tree) too.
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  RunResult r = RunBaton({"restore", "--layout", "tree", "--to_other_path", "--backup_location",
                          "file://" + tar, "--zk", url_ + "/old"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.err;
  EXPECT_THAT(r.err, HasSubstr("inside that tree"));
  EXPECT_FALSE(zk_.Exists(svc_ + "/old"));
}

// Nothing is written by a dry run, nor when the source is missing.
TEST_F(CopyTest, ADryRunOrAMissingSourceLeavesTheTargetAlone) {
  Populate();
  const std::string target = root_ + "/target";
  RunResult dry =
      RunBaton({"copy", "--dry_run", "zk://" + ZkAddress() + svc_, "zk://" + ZkAddress() + target});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("would copy"));
  EXPECT_FALSE(zk_.Exists(target));

  RunResult missing =
      RunBaton({"copy", "zk://" + ZkAddress() + svc_ + "/nothing", "zk://" + ZkAddress() + target});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("nothing to copy: " + svc_ + "/nothing does not exist"));
  EXPECT_FALSE(zk_.Exists(target));
}

}  // namespace
}  // namespace baton::testing
