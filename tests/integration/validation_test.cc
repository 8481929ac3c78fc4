// "Prove before touching": what ZooKeeper would refuse is refused while the
// backup is validated, by baton verify, restore --dry-run and restore alike,
// before anything is deleted. Hostile backups are written here with Baton's
// own archive writer (intact checksums and manifest) or Python's tarfile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "archive/backup_writer.h"
#include "baton/error.h"
#include "layout/marathon/backup_item.h"
#include "layout/marathon/bucket.h"
#include "layout/marathon/storage_version.h"
#include "storage/file_storage.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kVersion = "2017-08-08T12:34:56.5Z";

marathon::BackupItem Item(const std::string& id, std::string data, std::string acl = "",
                          const char* version = nullptr) {
  marathon::BackupItem item{"apps", id, std::nullopt, std::move(data), std::move(acl)};
  if (version != nullptr) item.version = marathon::OffsetTimestamp::Parse(version);
  return item;
}

marathon::BackupItem StorageVersionItem(unsigned major, unsigned minor, unsigned patch) {
  std::string name(marathon::kStorageVersionName);
  return {name, name, std::nullopt, marathon::StorageVersion{major, minor, patch}.Serialize()};
}

class ValidationTest : public ZkTest {
 protected:
  // Writes `items` as a backup taken from `zk_path` (the test's root unless
  // given), compressed by the file's suffix.
  std::string Write(const std::string& name, const std::vector<marathon::BackupItem>& items,
                    ArchiveFormat format = ArchiveFormat::kBaton, std::string zk_path = "") {
    std::string path = dir_ + "/" + name;
    storage::FileStorage storage(path);
    std::unique_ptr<BackupSink> sink = storage.Create();
    archive::BackupWriter writer(*sink, 1500000000, format, archive::CompressionForPath(path));
    archive::Manifest manifest;
    // Counted as a backup would, without refusing the names under test.
    for (const marathon::BackupItem& item : items) {
      writer.Add(item.EntryName(), item.data, item.acl);
      if (item.is_storage_version()) {
        manifest.storage_version = marathon::StorageVersion::Parse(item.data).ToString();
      } else {
        ++(item.version ? manifest.versions : manifest.items);
      }
    }
    manifest.tool = "validation_test";
    manifest.created = "2026-11-28T06:00:00Z";
    manifest.zk_hosts = ZkAddress();
    manifest.zk_path = zk_path.empty() ? root_ : zk_path;
    manifest.acls = true;
    writer.Finish(manifest);
    sink->Commit();
    return path;
  }
  std::string PythonTar(const std::string& mode) {
    std::string tar = dir_ + "/" + mode + ".tar";
    Shell("/usr/bin/python3 " + SourceDir() + "/tests/compat/make_tar.py " + tar + " " + mode);
    return tar;
  }
  RunResult Verify(const std::string& tar, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify", "file://" + tar};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunBaton(args);
  }
  RunResult RestoreWith(const std::string& tar, std::vector<std::string> extra) {
    std::vector<std::string> args = {"restore", "--backup_location", "file://" + tar, "--zk",
                                     zk_url_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunBaton(args);
  }
  // verify, restore --dry-run and restore all refuse `tar` with a message
  // containing `why`, and the state stays as it was.
  void ExpectRefusedEverywhere(const std::string& tar, const std::string& why) {
    Populate(TreeShape{.apps = 3, .big_values = 0});
    Snapshot before = zk_.Take(state_);
    RunResult verify = Verify(tar);
    EXPECT_EQ(verify.exit_code, 1) << verify.out;
    EXPECT_THAT(verify.err, HasSubstr(why));
    RunResult dry = RestoreWith(tar, {"--dry-run"});
    EXPECT_EQ(dry.exit_code, 1) << dry.out;
    EXPECT_THAT(dry.err, HasSubstr(why));
    RunResult restore = Restore(tar);
    EXPECT_EQ(restore.exit_code, 1) << restore.out;
    EXPECT_THAT(restore.err, HasSubstr(why));
    EXPECT_THAT(restore.err, Not(HasSubstr("rolled back"))) << "refused too late";
    EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
  }
};

// --- Node sizes --------------------------------------------------------------

TEST_F(ValidationTest, AValueOverTheServersLimitIsRefusedBeforeAnythingIsTouched) {
  std::string tar = Write(
      "huge.tar", {Item("_huge", std::string(1100 * 1000, 'x')), StorageVersionItem(1, 10, 100)});
  ExpectRefusedEverywhere(tar, "apps/items/_huge");
  RunResult r = Verify(tar);
  EXPECT_THAT(r.err, HasSubstr("--max_node_bytes"));
  // A server configured with a larger jute.maxbuffer: the operator says so.
  RunResult raised = Verify(tar, {"--max_node_bytes", "2000000"});
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
}

TEST_F(ValidationTest, SixtyMegabytesInATarGzAreRefused) {
  std::string tar = Write(
      "sixty.tar.gz", {Item("_sixty", std::string(60 << 20, '\0')), StorageVersionItem(1, 2, 0)});
  EXPECT_LT(std::filesystem::file_size(tar), 1u << 20);
  ExpectRefusedEverywhere(tar, "apps/items/_sixty");
}

// The largest value Baton accepts by default (1 MiB less 1 KiB for the
// request's root path and headers, less the entry's name and ACL) is one the
// real server stores; a byte more is refused.
TEST_F(ValidationTest, AValueOfExactlyTheAcceptedLimitIsRestored) {
  const std::string id = "_edge";
  const size_t limit = 1048576 - 1024 - std::string("apps/items/_edge").size();
  std::string tar =
      Write("edge.tar", {Item(id, std::string(limit, 'e')), StorageVersionItem(1, 10, 100)});
  RunResult r = Restore(tar);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(zk_.Get(state_ + "/apps/" + marathon::BucketOf(id) + "/" + id).size(), limit);

  std::string over =
      Write("over.tar", {Item(id, std::string(limit + 1, 'e')), StorageVersionItem(1, 10, 100)});
  RunResult refused = Verify(over);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("apps/items/_edge"));
}

// --- ACLs ----------------------------------------------------------------------

class RefusedAcl : public ValidationTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RefusedAcl, IsRefusedBeforeAnythingIsTouched) {
  std::string tar = Write("acl.tar", {Item("_ok", "fine"), Item("_locked", "value", GetParam()),
                                      StorageVersionItem(1, 10, 100)});
  ExpectRefusedEverywhere(tar, "apps/items/_locked");
}

// What the real server (3.8, default providers) answers "invalid acl" to,
// and permissions outside 1..31 (0 makes a node no one can read, so no
// backup holds one; higher bits mean nothing).
INSTANTIATE_TEST_SUITE_P(
    Acls, RefusedAcl,
    ::testing::Values("31:world:nobody", "31:foo:bar", "31:auth:", "31:sasl:bob", "31:x509:CN=x",
                      "31:super:x", "31:digest:alice", "31:digest:a:b:c", "31:ip:bad", "31:ip:::1",
                      "31:ip:10.0.0.0/33", "31:ip:300.1.1.1", "0:world:anyone", "32:world:anyone",
                      "-1:world:anyone", "31:world:anyone\n31:foo:bar"),
    [](const auto& param_info) { return "case" + std::to_string(param_info.index); });

TEST_F(ValidationTest, AclsTheServerAcceptsAreRestored) {
  const std::string acl =
      "31:digest:alice:Xk2abc=\n1:ip:10.0.0.0/8\n31:ip:127.0.0.1\n31:world:anyone";
  std::string tar =
      Write("acl.tar", {Item("_shared", "value", acl), StorageVersionItem(1, 10, 100)});
  RunResult verify = Verify(tar);
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  RunResult r = Restore(tar);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(zk_.Get(state_ + "/apps/" + marathon::BucketOf("_shared") + "/_shared"), "value");
}

// --- Node names --------------------------------------------------------------

class RefusedName : public ValidationTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RefusedName, IsRefusedByVerifyAndDryRun) {
  std::string tar = Write("name.tar", {Item(GetParam(), "x"), StorageVersionItem(1, 10, 100)});
  ExpectRefusedEverywhere(tar, "not a legal node name");
}

// ZooKeeper's PathUtils.validatePath: controls, U+007F..U+009F, U+D800..U+F8FF
// (surrogates and private use), U+FFF0..U+FFFF, "." and "..".
INSTANTIATE_TEST_SUITE_P(Names, RefusedName,
                         ::testing::Values(".", "..", "_a\x7f", "_a\xC2\x85", "_a\xEE\x80\x80",
                                           "_a\xEF\xA3\xBF", "_a\xEF\xBF\xB0", "_a\xEF\xBF\xBF",
                                           "_a\x01"),
                         [](const auto& param_info) {
                           return "case" + std::to_string(param_info.index);
                         });

// --- Persistent or container --------------------------------------------------

// Marathon's tars may hold an id's versions before its value: the value's
// node must still be persistent, so the server keeps it once the versions
// are gone, while a version-only id (a container) is reaped.
TEST_F(ValidationTest, AValueAfterItsVersionsIsPersistent) {
  RunResult r = Restore(PythonTar("versions-before-item"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Marathon format"));
  std::string web = state_ + "/apps/5/_prod_web";
  std::string only = state_ + "/apps/" + marathon::BucketOf("_only-versions") + "/_only-versions";
  EXPECT_EQ(zk_.Get(web), "current");
  for (const std::string& child : zk_.Children(web)) zk_.DeleteTree(web + "/" + child);
  for (const std::string& child : zk_.Children(only)) zk_.DeleteTree(only + "/" + child);
  // The test server reaps every 500 ms: once the container is gone, the
  // reaper has seen both.
  for (int i = 0; i < 100 && zk_.Exists(only); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(zk_.Exists(only));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(zk_.Exists(web));
  EXPECT_EQ(zk_.Get(web), "current");
}

// --- Empty, foreign and incomplete files ------------------------------------

class NotABackup : public ValidationTest, public ::testing::WithParamInterface<const char*> {
 protected:
  std::string Make(const std::string& kind) {
    std::string path = dir_ + "/" + kind;
    std::string bytes;
    if (kind == "zeros") {
      bytes.assign(10 * 1024, '\0');
    } else if (kind == "random") {
      std::mt19937 random(42);
      for (int i = 0; i < 64 * 1024; ++i) bytes += static_cast<char>(random());
    } else if (kind == "png") {
      bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(2000, '\x7f');
    } else if (kind == "truncated") {
      bytes = ReadFile(PythonTar("marathon"));
      bytes.resize(bytes.size() / 2);
    } else if (kind == "truncated-gzip") {
      std::string tar = PythonTar("marathon");
      Shell("gzip -k " + tar);
      bytes = ReadFile(tar + ".gz");
      bytes.resize(bytes.size() / 2);
    } else {
      return PythonTar(kind);  // "empty", "no-storage-version"
    }
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
};

TEST_P(NotABackup, NeverBecomesAnEmptyState) {
  std::string tar = Make(GetParam());
  Populate(TreeShape{.apps = 3, .big_values = 0});
  Snapshot before = zk_.Take(state_);
  RunResult verify = Verify(tar);
  EXPECT_NE(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.err, HasSubstr("baton: error: "));
  RunResult dry = RestoreWith(tar, {"--dry-run"});
  EXPECT_NE(dry.exit_code, 0) << dry.out;
  RunResult restore = Restore(tar);
  EXPECT_NE(restore.exit_code, 0) << restore.out;
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
}

INSTANTIATE_TEST_SUITE_P(Files, NotABackup,
                         ::testing::Values("zeros", "random", "png", "truncated", "truncated-gzip",
                                           "empty", "no-storage-version"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_F(ValidationTest, EmptyBackupsAreRestoredWhenTheFlagsSaySo) {
  Populate(TreeShape{.apps = 3, .big_values = 0});
  RunResult empty = RestoreWith(PythonTar("empty"), {"--allow_empty"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_TRUE(zk_.Take(state_).empty());
  std::string tar = PythonTar("no-storage-version");
  EXPECT_THAT(Verify(tar).err, HasSubstr("--allow_no_storage_version"));
  EXPECT_EQ(Verify(tar, {"--allow_no_storage_version"}).exit_code, 0);
  RunResult r = RestoreWith(tar, {"--allow_no_storage_version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(zk_.Get(state_ + "/framework-id/b/id"), "framework-1234");
  EXPECT_FALSE(zk_.Exists(state_ + "/internal:storage:version"));
}

// --- The target path and storage version --------------------------------------

TEST_F(ValidationTest, RestoringIntoAnotherPathIsRefusedUnlessMeant) {
  Populate(TreeShape{.apps = 3, .big_values = 0});
  std::string tar = dir_ + "/b.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  const std::string typo = root_ + "n";
  const std::string typo_url = "zk://" + ZkAddress() + typo;
  for (bool dry : {true, false}) {
    std::vector<std::string> args = {"restore", "--backup_location", "file://" + tar, "--zk",
                                     typo_url};
    if (dry) args.push_back("--dry-run");
    RunResult r = RunBaton(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << r.out;
    EXPECT_THAT(r.err, HasSubstr("--to_other_path"));
    EXPECT_THAT(r.err, HasSubstr("'" + root_ + "'"));
    EXPECT_THAT(r.err, HasSubstr("'" + typo + "'"));
    EXPECT_FALSE(zk_.Exists(typo + "/state"));
  }
  RunResult meant = RunBaton(
      {"restore", "--backup_location", "file://" + tar, "--zk", typo_url, "--to_other_path"});
  EXPECT_EQ(meant.exit_code, 0) << meant.err;
  EXPECT_EQ(Diff(Comparable(zk_.Take(state_)), Comparable(zk_.Take(typo + "/state"))), "");
  zk_.DeleteTree(typo);
}

// A Marathon-format tar does not say where it was taken from, so a path
// cannot be refused; restoring it where no state exists is said plainly.
TEST_F(ValidationTest, AMarathonTarRestoredWhereNoStateExistsIsSaid) {
  Populate(TreeShape{.apps = 3, .big_values = 0});
  std::string tar = dir_ + "/m.tar";
  ASSERT_EQ(RunBaton({"backup", "--format", "marathon", "--backup_location", "file://" + tar,
                      "--zk", zk_url_})
                .exit_code,
            0);
  const std::string typo = root_ + "n";
  RunResult r = RunBaton(
      {"restore", "--backup_location", "file://" + tar, "--zk", "zk://" + ZkAddress() + typo});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no state exists at " + typo));
  RunResult again = RunBaton(
      {"restore", "--backup_location", "file://" + tar, "--zk", "zk://" + ZkAddress() + typo});
  EXPECT_THAT(again.err, Not(HasSubstr("no state exists"))) << "a state exists now";
  zk_.DeleteTree(typo);
}

TEST_F(ValidationTest, AnOlderOrNewerStorageVersionIsSaidInOneLine) {
  zk_.Create(state_ + "/internal:storage:version", WrappedStorageVersion(1, 10, 100));
  std::string older = Write("older.tar", {Item("_a", "a"), StorageVersionItem(1, 2, 0)});
  RunResult r = Restore(older);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("storage version 1.2.0 is older than the one in ZooKeeper (1.10.100)"));
  std::string newer = Write("newer.tar", {Item("_a", "a"), StorageVersionItem(1, 11, 0)});
  zk_.DeleteTree(state_ + "/internal:storage:version");
  zk_.Create(state_ + "/internal:storage:version", WrappedStorageVersion(1, 10, 100));
  r = Restore(newer);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("storage version 1.11.0 is newer than the one in ZooKeeper (1.10.100)"));
}

// --- A failed write names its node ---------------------------------------------

// An item restored first with a read-only ACL: its version cannot be created
// under it. The multi-op holding both fails at the version, which the error
// must name (not the batch's first op, the item).
TEST_F(ValidationTest, AFailedWriteNamesTheNodeThatFailed) {
  Populate(TreeShape{.apps = 3, .big_values = 0});
  Snapshot before = zk_.Take(state_);
  std::string tar =
      Write("locked.tar", {Item("_locked", "value", "1:world:anyone"),
                           Item("_locked", "v1", "", kVersion), StorageVersionItem(1, 10, 100)});
  RunResult r = Restore(tar);
  EXPECT_EQ(r.exit_code, 1);
  std::string version = state_ + "/apps/" + marathon::BucketOf("_locked") + "/_locked/" + kVersion;
  EXPECT_THAT(r.err, HasSubstr(version));
  EXPECT_EQ(Comparable(before), Comparable(zk_.Take(state_)));
}

}  // namespace
}  // namespace baton::testing
