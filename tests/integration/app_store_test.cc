// The app repository and the app store's migration steps against the real
// ZooKeeper: Marathon's layout, versions, fencing, and rewriting old layouts.
#include "support/app_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "layout/marathon/timestamp.h"
#include "server/app_migrations.h"
#include "server/app_repository.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using nlohmann::json;
using server::AppId;
using server::AppRepository;

class AppStoreTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    zk_.Create(state_, "", true);
    fence_ = root_ + "/fence";
    zk_.Create(fence_, "");
    session_ = std::make_unique<zk::ZkSession>(ZkUrl::Parse(zk_url_), ZkTimeouts{});
  }

  json Store(AppRepository& apps, const std::string& id, json app, bool create_only = false) {
    json normalized = server::NormalizeApp(std::move(app), AppId::Parse(id));
    EXPECT_EQ(apps.Store(AppId::Parse(id), normalized, create_only, fence_),
              AppRepository::Write::kDone);
    return normalized;
  }

  std::string fence_;
  std::unique_ptr<zk::ZkSession> session_;
};

TEST_F(AppStoreTest, CurrentValueAndVersionsInMarathonsLayout) {
  AppRepository apps(*session_, state_, /*max_versions=*/2);
  json v1 = Store(apps, "/prod/web", {{"cmd", "one"}});
  json v2 = Store(apps, "/prod/web", {{"cmd", "two"}});
  json v3 = Store(apps, "/prod/web", {{"cmd", "three"}});
  // Bucket 5 is Java's "_prod_web".hashCode() % 16.
  const std::string node = state_ + "/apps/5/_prod_web";
  EXPECT_EQ(json::parse(zk_.Get(node)), v3);
  Snapshot tree = zk_.Take(node);
  ASSERT_EQ(tree.size(), 2u) << "only the newest two versions are kept";
  for (const json& v : {v2, v3}) {
    // Version nodes are named ISO_OFFSET_DATE_TIME; the JSON says toString().
    auto name = marathon::OffsetTimestamp::Parse(v["version"].get<std::string>())->NodeName();
    EXPECT_EQ(json::parse(tree.at("/" + name)), v) << name;
  }
  EXPECT_EQ(apps.Versions(AppId::Parse("prod/web")),
            (std::vector<std::string>{v3["version"], v2["version"]}));
  EXPECT_EQ(apps.GetVersion(AppId::Parse("/prod/web"), v2["version"]), v2);
  EXPECT_FALSE(apps.GetVersion(AppId::Parse("/prod/web"), v1["version"]));
  EXPECT_EQ(apps.List(), std::vector<json>{v3});
}

TEST_F(AppStoreTest, CreateOnlyRefusesAnAppThatHasACurrentValue) {
  AppRepository apps(*session_, state_);
  Store(apps, "/db", {{"cmd", "db"}});
  json again = server::NormalizeApp({{"cmd", "other"}}, AppId::Parse("/db"));
  EXPECT_EQ(apps.Store(AppId::Parse("/db"), again, true, fence_), AppRepository::Write::kExists);
  EXPECT_EQ((*apps.Get(AppId::Parse("/db")))["cmd"], "db");

  // Marathon's "no current value" (empty data, versions kept) counts as absent.
  zk_.Create(state_ + "/apps/5/_web", "");
  zk_.Create(state_ + "/apps/5/_web/2016-01-01T00:00:00Z", R"({"id":"/web"})");
  EXPECT_FALSE(apps.Get(AppId::Parse("/web")));
  bool created = false;
  json web = server::NormalizeApp({{"cmd", "web"}}, AppId::Parse("/web"));
  EXPECT_EQ(apps.Store(AppId::Parse("/web"), web, true, fence_, &created),
            AppRepository::Write::kDone);
  EXPECT_TRUE(created);
  EXPECT_EQ(apps.Versions(AppId::Parse("/web"))->size(), 2u);
}

TEST_F(AppStoreTest, WithoutTheFenceNothingIsWritten) {
  AppRepository apps(*session_, state_);
  Store(apps, "/db", {{"cmd", "db"}});
  Snapshot before = zk_.Take(state_);
  zk_.DeleteTree(fence_);  // leadership lost
  json app = server::NormalizeApp({{"cmd", "new"}}, AppId::Parse("/db"));
  EXPECT_EQ(apps.Store(AppId::Parse("/db"), app, false, fence_), AppRepository::Write::kNotLeader);
  json other = server::NormalizeApp(json::object(), AppId::Parse("/other"));
  EXPECT_EQ(apps.Store(AppId::Parse("/other"), other, false, fence_),
            AppRepository::Write::kNotLeader);
  EXPECT_EQ(apps.Delete(AppId::Parse("/db"), fence_), AppRepository::Write::kNotLeader);
  Snapshot after = zk_.Take(state_);
  after.erase("/apps/f");  // the bucket container of "_other" may stay until reaped
  EXPECT_EQ(Diff(before, after), "");
}

TEST_F(AppStoreTest, DeleteRemovesTheAppWithAllItsVersions) {
  AppRepository apps(*session_, state_);
  for (int i = 0; i < 3; ++i) Store(apps, "/db", {{"instances", i}});
  EXPECT_EQ(apps.Delete(AppId::Parse("/db"), fence_), AppRepository::Write::kDone);
  EXPECT_FALSE(zk_.Exists(state_ + "/apps/d/_db"));
  EXPECT_FALSE(apps.Get(AppId::Parse("/db")));
  EXPECT_FALSE(apps.Versions(AppId::Parse("/db")));
  EXPECT_EQ(apps.Delete(AppId::Parse("/db"), fence_), AppRepository::Write::kNotFound);
}

TEST_F(AppStoreTest, MigrationRewritesTheOldLayoutInCurrentValuesAndVersions) {
  zk_.CreateMany(AppStoreV1(state_, SampleOldApps()));
  auto outcome = server::AppStoreMigration().Run(*session_, state_);
  EXPECT_EQ(outcome, marathon::MigrationOutcome::kMigrated);
  EXPECT_EQ(marathon::Migration::Stored(*session_, state_)->ToString(), "1.2.0");
  EXPECT_FALSE(zk_.Exists(state_ + "/migration-in-progress"));
  json legacy = json::parse(R"({"id":"/legacy","cmd":"run","instances":2,
      "resources":{"cpus":0.5,"mem":256},
      "portDefinitions":[{"port":8080,"protocol":"tcp"},{"port":8081,"protocol":"tcp"}]})");
  for (const char* node : {"/apps/8/_legacy", "/apps/8/_legacy/2016-01-01T00:00:00Z",
                           "/apps/8/_legacy/2016-02-01T10:00:00.5Z"}) {
    EXPECT_EQ(json::parse(zk_.Get(state_ + node)), legacy) << node;
  }
  EXPECT_EQ(json::parse(zk_.Get(state_ + "/apps/3/_old_api")),
            json::parse(R"({"id":"/old/api","cmd":"api","resources":{"mem":64}})"));
  // The repository reads the migrated apps.
  AppRepository apps(*session_, state_);
  EXPECT_EQ(apps.List().size(), 2u);
}

TEST_F(AppStoreTest, MigrationStopsAtDataItCannotReadAndLeavesTheMarker) {
  std::vector<OldApp> old = SampleOldApps();
  old.push_back({"_batch_job", "9", {}, "not json"});
  zk_.CreateMany(AppStoreV1(state_, old));
  try {
    server::AppStoreMigration().Run(*session_, state_);
    FAIL() << "migrated data it cannot read";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/apps/9/_batch_job"));
  }
  EXPECT_TRUE(zk_.Exists(state_ + "/migration-in-progress"));
  EXPECT_EQ(marathon::Migration::Stored(*session_, state_)->ToString(), "1.0.0");
}

TEST_F(AppStoreTest, MigrationStopsAtDataNestedTooDeepInsteadOfCrashing) {
  // What a crafted backup could restore: copying or printing it would recurse
  // 100,000 levels deep.
  std::vector<OldApp> old = SampleOldApps();
  old.push_back({"_batch_job",
                 "9",
                 {},
                 R"({"id": "/batch/job", "x": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}"});
  zk_.CreateMany(AppStoreV1(state_, old));
  try {
    server::AppStoreMigration().Run(*session_, state_);
    FAIL() << "migrated data nested too deep";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/apps/9/_batch_job"));
    EXPECT_THAT(e.what(), HasSubstr("nests deeper"));
  }
  EXPECT_TRUE(zk_.Exists(state_ + "/migration-in-progress"));
}

}  // namespace
}  // namespace baton::testing
