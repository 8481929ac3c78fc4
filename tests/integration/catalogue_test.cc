// The catalogue on both stores (a directory, and an S3 prefix on the test
// server): the record written beside each backup, `baton list`, --latest
// and `baton prune`, with foreign objects and a damaged backup among them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "storage/s3/s3_store.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class CatalogueTest : public ZkTest, public ::testing::WithParamInterface<const char*> {
 protected:
  bool s3() const { return std::string(GetParam()) == "s3"; }

  void SetUp() override {
    ZkTest::SetUp();
    key_prefix_ = "catalogue" + root_ + "/";
    prefix_ = s3() ? "s3://baton-test/" + key_prefix_ + "?endpoint=" + S3Endpoint() +
                         "&access_key=S3RVER&secret_key=S3RVER"
                   : "file://" + dir_ + "/store";
    if (!s3()) std::filesystem::create_directories(dir_ + "/store");
  }

  // The location of NAME under the prefix.
  std::string At(const std::string& name) const {
    if (!s3()) return "file://" + dir_ + "/store/" + name;
    return "s3://baton-test/" + key_prefix_ + name + prefix_.substr(prefix_.find('?'));
  }

  // Puts an object that Baton did not write.
  void PutForeign(const std::string& name, const std::string& bytes) {
    std::string file = dir_ + "/foreign";
    std::ofstream(file, std::ios::binary) << bytes;
    if (!s3()) {
      std::filesystem::copy_file(file, dir_ + "/store/" + name,
                                 std::filesystem::copy_options::overwrite_existing);
      return;
    }
    Shell(
        "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 "
        "aws --endpoint-url " +
        S3Endpoint() + " s3 cp " + file + " s3://baton-test/" + key_prefix_ + name + " >/dev/null");
  }

  // The objects under the prefix, by a client of its own (ls, the AWS CLI).
  std::set<std::string> Objects() {
    std::set<std::string> names;
    if (!s3()) {
      for (const auto& f : std::filesystem::directory_iterator(dir_ + "/store")) {
        names.insert(f.path().filename().string());
      }
      return names;
    }
    std::string out = Shell(
        "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 aws "
        "--endpoint-url " +
        S3Endpoint() + " s3api list-objects-v2 --bucket baton-test --prefix " + key_prefix_ +
        " --query 'Contents[].Key' --output text");
    std::istringstream words(out);
    for (std::string key; words >> key;) {
      if (key.starts_with(key_prefix_)) names.insert(key.substr(key_prefix_.size()));
    }
    return names;
  }

  std::string key_prefix_, prefix_;
};

TEST_P(CatalogueTest, ListLatestAndPruneKnowOnlyWhatBatonWrote) {
  Populate(TreeShape{});
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // names differ by time
    RunResult r = RunBaton(
        {"backup", "--json", "--backup_location", At("zk-{timestamp}.tar"), "--zk", zk_url_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string location = json::parse(r.out)["location"];
    names.push_back(
        location.substr(location.rfind('/') + 1, location.find('?') - location.rfind('/') - 1));
  }
  PutForeign("notes.txt", "not a backup");
  PutForeign("old-marathon.tar", "a tar Baton did not write");
  EXPECT_EQ(Objects().size(), 3u * 2 + 2) << "a record beside each backup";

  RunResult list = RunBaton({"list", "--json", "--verify", prefix_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json backups = json::parse(list.out)["backups"];
  ASSERT_EQ(backups.size(), 4u) << list.out;  // notes.txt is no backup
  // The backups' own location template names them (and only them: not
  // old-marathon.tar beside them), so that one BATON_BACKUP_LOCATION serves
  // backup, list and prune.
  RunResult by_template =
      RunBaton({"list", "--json"}, 60, {{"BATON_BACKUP_LOCATION", At("zk-{timestamp}.tar")}});
  ASSERT_EQ(by_template.exit_code, 0) << by_template.err;
  EXPECT_EQ(json::parse(by_template.out)["backups"].size(), 3u) << by_template.out;
  RunResult other_series = RunBaton({"list", "--json", At("hourly-{timestamp}.tar")});
  ASSERT_EQ(other_series.exit_code, 0) << other_series.err;
  EXPECT_EQ(json::parse(other_series.out)["backups"].size(), 0u) << other_series.out;
  EXPECT_EQ(backups[0]["name"], names[2]);  // newest first
  EXPECT_EQ(backups[0]["verified"], true);
  EXPECT_EQ(backups[0]["layout"], "marathon");
  EXPECT_EQ(backups[0]["source"], "zk://" + ZkAddress() + root_);
  EXPECT_EQ(backups[3]["name"], "old-marathon.tar");
  EXPECT_EQ(backups[3]["recorded"], false);

  // The newest damaged: --latest takes the one before, and says which.
  PutForeign(names[2], "truncated");
  RunResult latest = RunBaton({"inspect", "--json", "--latest", prefix_});
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  EXPECT_THAT(std::string(json::parse(latest.out)["location"]), HasSubstr(names[1]));
  EXPECT_THAT(latest.err, HasSubstr("using " + names[1]));
  RunResult bad = RunBaton({"list", prefix_});
  EXPECT_THAT(bad.out, HasSubstr("BAD: its size differs from its record"));

  // Another source's backup in the same prefix, the newest of all: inspect
  // --latest takes it, a restore of this path does not.
  const std::string other = UniqueRoot("other-source");
  zk_.Create(other, "another service");
  RunResult theirs = RunBaton({"backup", "--layout", "tree", "--backup_location",
                               At("other-{timestamp}.tar"), "--zk", "zk://" + ZkAddress() + other});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  RunResult newest = RunBaton({"inspect", "--json", "--latest", prefix_});
  EXPECT_THAT(std::string(json::parse(newest.out)["location"]), HasSubstr("other-"));
  zk_.DeleteTree(state_);
  RunResult restore = RunBaton(
      {"restore", "--latest", "--backup_location", prefix_, "--zk", zk_url_, "--no_safety_backup"});
  EXPECT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_THAT(restore.err, HasSubstr("using " + names[1]));

  // keep_last 1 per source: this path keeps names[1] (the damaged newest is
  // not counted, nor deleted), the other source keeps its one backup.
  RunResult dry = RunBaton({"prune", "--keep_last", "1", "--dry-run", prefix_});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("would delete 1 of 3"));
  EXPECT_EQ(Objects().size(), 10u);
  RunResult prune = RunBaton({"prune", "--keep_last", "1", prefix_});
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_THAT(prune.out, HasSubstr(names[2] + "  damaged"));
  std::set<std::string> left = Objects();
  EXPECT_EQ(left.count(names[0]), 0u);
  EXPECT_EQ(left.count(names[0] + ".manifest.json"), 0u);
  left.erase(names[2]);
  left.erase(names[2] + ".manifest.json");
  left.erase(names[1]);
  left.erase(names[1] + ".manifest.json");
  left.erase("notes.txt");
  left.erase("old-marathon.tar");
  ASSERT_EQ(left.size(), 2u) << "the other source's backup and record";
  EXPECT_TRUE(left.begin()->starts_with("other-"));

  RunResult none = RunBaton({"prune", prefix_});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_THAT(none.err, HasSubstr("no retention policy"));
}

// Two months of daily backups (at noon, 2026-09-01 .. 2026-10-31), their
// records written with those times: prune keeps exactly what the policy
// says, worked out by hand. 2026-10-31 is a Saturday of ISO week 44.
TEST_P(CatalogueTest, PruneKeepsWhatThePolicySaysOverTwoMonths) {
  const std::string local = dir_ + "/months";
  Shell("mkdir -p " + local);
  std::set<std::string> all;
  for (int month : {9, 10}) {
    for (int day = 1; day <= (month == 9 ? 30 : 31); ++day) {
      char stamp[32], created[32];
      std::snprintf(stamp, sizeof stamp, "2026%02d%02dT120000.000Z", month, day);
      std::snprintf(created, sizeof created, "2026-%02d-%02dT12:00:00.000Z", month, day);
      const std::string name = std::string("zk-") + stamp + ".tar";
      std::ofstream(local + "/" + name) << "x";
      std::ofstream(local + "/" + name + ".manifest.json") << json{
          {"baton_catalogue", 1},
          {"backup", name},
          {"format", "baton"},
          {"archive_bytes", 1},
          {"archive_sha256", ""},
          {"created", created},
          {"source", {{"zk_hosts", "h:1"}, {"zk_path", "/svc"}}},
          {"layout", "tree"}}.dump();
      all.insert(name);
    }
  }
  if (s3()) {
    Shell(
        "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 "
        "aws --endpoint-url " +
        S3Endpoint() + " s3 cp --recursive --quiet " + local + " s3://baton-test/" + key_prefix_);
  } else {
    Shell("cp " + local + "/* " + dir_ + "/store/");
  }
  ASSERT_EQ(Objects().size(), 2 * all.size());
  if (s3()) {  // the listing follows S3's pages: 7 keys a page here
    storage::s3::S3Target target =
        storage::s3::ParseS3Target(prefix_, storage::s3::ProcessEnvironment(), /*prefix=*/true);
    target.config.list_max_keys = 7;
    storage::s3::S3Store store(std::move(target), storage::s3::ProcessEnvironment());
    auto lists = [] {
      return std::stoi(
          Shell("curl -s " + S3Endpoint() + "/__proxy/events | grep -o list-type | wc -l"));
    };
    const int before = lists();
    EXPECT_EQ(store.List().size(), 2 * all.size());
    EXPECT_GE(lists() - before, static_cast<int>(2 * all.size() / 7)) << "pages of 7 keys";
  }
  RunResult prune = RunBaton({"prune", "--json", "--keep_last", "3", "--keep_daily", "7",
                              "--keep_weekly", "4", "--keep_monthly", "2", prefix_});
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  std::set<std::string> kept;
  for (const char* day : {"20261025", "20261026", "20261027", "20261028", "20261029", "20261030",
                          "20261031", "20261018", "20261011", "20260930"}) {
    kept.insert(std::string("zk-") + day + "T120000.000Z.tar");
    kept.insert(std::string("zk-") + day + "T120000.000Z.tar.manifest.json");
  }
  EXPECT_EQ(Objects(), kept);
  EXPECT_EQ(json::parse(prune.out)["deleted"], all.size() - 10);
}

// A name the location spells percent-encoded: its record names it as a
// listing does (decoded), so it is valid and --latest takes it.
TEST_F(ZkTest, ABackupNamedWithAnEscapeIsKnownByItsRecord) {
  Populate(TreeShape{});
  Shell("mkdir -p " + dir_ + "/esc");
  RunResult r = RunBaton(
      {"backup", "--backup_location", "file://" + dir_ + "/esc/a%20b.tar", "--zk", zk_url_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult list = RunBaton({"list", "--json", "file://" + dir_ + "/esc"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const json listed = json::parse(list.out);
  ASSERT_EQ(listed["backups"].size(), 1u) << list.out;
  EXPECT_EQ(listed["backups"][0]["name"], "a b.tar");
  EXPECT_EQ(listed["backups"][0]["valid"], true) << list.out;
  RunResult latest = RunBaton({"verify", "--latest", "file://" + dir_ + "/esc"});
  EXPECT_EQ(latest.exit_code, 0) << latest.err;
}

// Safety backups have their own policy: after each successful restore, the
// newest --safety_keep_last of the path stay.
TEST_F(ZkTest, SafetyBackupsBeyondTheNewestFewAreDeletedAfterARestore) {
  Populate(TreeShape{});
  ASSERT_EQ(Backup(dir_ + "/b.tar").exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    RunResult r =
        RunBaton({"restore", "--backup_location", "file://" + dir_ + "/b.tar", "--zk", zk_url_,
                  "--safety_backup_dir", dir_ + "/safety", "--safety_keep_last", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  int backups = 0, records = 0;
  for (const std::string& name : ListDir(dir_ + "/safety")) {
    backups += name.ends_with(".tar.zst") ? 1 : 0;
    records += name.ends_with(".manifest.json") ? 1 : 0;
  }
  EXPECT_EQ(backups, 2);
  EXPECT_EQ(records, 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, CatalogueTest, ::testing::Values("file", "s3"));

}  // namespace
}  // namespace baton::testing
