// Storage migration rules and the runtime configuration, against the real
// ZooKeeper.
#include "layout/marathon/migration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "baton/error.h"
#include "baton/zk_url.h"
#include "layout/marathon/runtime_configuration.h"
#include "support/test_env.h"

namespace baton::marathon {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::UniqueRoot("migration");
    state_ = root_ + "/state";
    session_ = std::make_unique<zk::ZkSession>(ZkUrl::Parse("zk://" + testing::ZkAddress() + root_),
                                               ZkTimeouts{});
    session_->EnsureContainers(state_);
  }
  void TearDown() override { testing::TestZk().DeleteTree(root_); }

  // Steps to 1.1.0 and 1.2.0; each records that it ran and checks the marker.
  Migration Make() {
    auto step = [this](unsigned minor) {
      return MigrationStep{{1, minor, 0, 1},
                           "step " + std::to_string(minor),
                           [this, minor](zk::ZkSession& s, const std::string& state) {
                             EXPECT_TRUE(s.Exists(state + "/migration-in-progress"));
                             ran_ += std::to_string(minor);
                             if (minor == fail_at_) throw Error("step failed");
                           }};
    };
    return Migration({1, 0, 0, 1}, {step(1), step(2)});
  }

  std::string root_, state_, ran_;
  unsigned fail_at_ = 99;
  std::unique_ptr<zk::ZkSession> session_;
};

TEST_F(MigrationTest, NothingStoredStoresTheTarget) {
  EXPECT_EQ(Make().Run(*session_, state_), MigrationOutcome::kStoredTarget);
  EXPECT_EQ(Migration::Stored(*session_, state_)->ToString(), "1.2.0");
  EXPECT_EQ(ran_, "");
}

TEST_F(MigrationTest, OlderVersionRunsTheStepsAboveItInOrderAfterTheBackup) {
  Migration::Store(*session_, state_, {1, 0, 0, 1});
  std::string order;
  auto outcome = Make().Run(*session_, state_, [&] {
    EXPECT_TRUE(session_->Exists(state_ + "/migration-in-progress"));
    order += "backup;";
    EXPECT_EQ(ran_, "");
  });
  EXPECT_EQ(outcome, MigrationOutcome::kMigrated);
  EXPECT_EQ(order, "backup;");
  EXPECT_EQ(ran_, "12");
  EXPECT_EQ(Migration::Stored(*session_, state_)->ToString(), "1.2.0");
  EXPECT_FALSE(session_->Exists(state_ + "/migration-in-progress"));

  Migration::Store(*session_, state_, {1, 1, 0, 1});
  ran_.clear();
  Make().Run(*session_, state_);
  EXPECT_EQ(ran_, "2");
}

TEST_F(MigrationTest, UpToDateDoesNothing) {
  Migration::Store(*session_, state_, {1, 2, 0, 1});
  bool backed_up = false;
  EXPECT_EQ(Make().Run(*session_, state_, [&] { backed_up = true; }), MigrationOutcome::kUpToDate);
  EXPECT_FALSE(backed_up);
}

TEST_F(MigrationTest, RefusesTooOldAndTooNew) {
  Migration::Store(*session_, state_, {0, 9, 0, 1});
  EXPECT_THROW(Make().Run(*session_, state_), Error);
  Migration::Store(*session_, state_, {1, 3, 0, 1});
  try {
    Make().Run(*session_, state_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("too old for the data"));
  }
  EXPECT_EQ(ran_, "");
}

TEST_F(MigrationTest, FailedStepLeavesMarkerAndOldVersion) {
  Migration::Store(*session_, state_, {1, 0, 0, 1});
  fail_at_ = 2;
  EXPECT_THROW(Make().Run(*session_, state_), Error);
  EXPECT_EQ(Migration::Stored(*session_, state_)->ToString(), "1.0.0");
  EXPECT_TRUE(session_->Exists(state_ + "/migration-in-progress"));
  // The next attempt refuses to run over a half-done migration.
  fail_at_ = 99;
  EXPECT_THROW(Make().Run(*session_, state_), Error);
}

TEST_F(MigrationTest, RuntimeConfigurationRoundTripsAtMarathonsNode) {
  RuntimeConfiguration config;
  EXPECT_FALSE(RuntimeConfiguration::Read(*session_, state_).backup);
  config.backup = "file:///tmp/b.tar";
  config.Write(*session_, state_);
  // category runtime-configuration, id "id" in bucket "b".
  EXPECT_EQ(session_->Get(state_ + "/runtime-configuration/b/id"),
            R"({"backup":"file:///tmp/b.tar"})");
  RuntimeConfiguration read = RuntimeConfiguration::Read(*session_, state_);
  EXPECT_EQ(read.backup, "file:///tmp/b.tar");
  EXPECT_FALSE(read.restore);
  RuntimeConfiguration{}.Write(*session_, state_);
  EXPECT_FALSE(RuntimeConfiguration::Read(*session_, state_).backup);
  EXPECT_THROW(RuntimeConfiguration::FromJson("[1]"), Error);
}

TEST_F(MigrationTest, ARuntimeConfigurationIsProposedOnceAndItsSecretsKeptOutOfTheState) {
  const std::string fence = root_ + "/fence";
  session_->Put(fence, "");
  RuntimeConfiguration config;
  config.backup = "s3://b/k.tar?access_key=AKID&secret_key=s3cret";
  using Proposal = RuntimeConfiguration::Proposal;
  EXPECT_EQ(config.Propose(*session_, root_, root_ + "/gone"), Proposal::kNotLeader);
  EXPECT_EQ(config.Propose(*session_, root_, fence), Proposal::kStored);
  // Marathon's node holds the redacted location; the whole one waits beside the state.
  EXPECT_EQ(RuntimeConfiguration::Read(*session_, state_).backup,
            "s3://b/k.tar?access_key=***&secret_key=***");
  EXPECT_THAT(session_->Get(RuntimeSecretsPath(root_)), Optional(HasSubstr("s3cret")));
  // A second proposal, of this leader or another, loses until it is taken.
  RuntimeConfiguration other;
  other.restore = "file:///tmp/r.tar";
  EXPECT_EQ(other.Propose(*session_, root_, fence), Proposal::kPending);
  RuntimeConfiguration taken = RuntimeConfiguration::Take(*session_, root_);
  EXPECT_EQ(taken.backup, config.backup);
  EXPECT_FALSE(taken.restore);
  EXPECT_TRUE(RuntimeConfiguration::Read(*session_, state_).empty());
  EXPECT_FALSE(session_->Exists(RuntimeSecretsPath(root_)));
  EXPECT_EQ(other.Propose(*session_, root_, fence), Proposal::kStored);
  // A node Marathon wrote (no whole locations beside it) is taken as it is.
  RuntimeConfiguration marathon;
  marathon.backup = "file:///tmp/m.tar";
  session_->Delete(RuntimeSecretsPath(root_));
  marathon.Write(*session_, state_);
  EXPECT_EQ(RuntimeConfiguration::Take(*session_, root_).backup, marathon.backup);
}

}  // namespace
}  // namespace baton::marathon
