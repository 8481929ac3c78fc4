// baton verify / inspect / list, and checksums checked before a restore
// deletes anything, against backups taken from the real ZooKeeper.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "archive/backup_writer.h"
#include "baton/error.h"
#include "layout/marathon/backup_item.h"
#include "support/marathon_tree.h"
#include "support/memory_storage.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using nlohmann::json;
using InspectTest = ZkTest;

TEST_F(InspectTest, VerifyAndInspectABatonBackup) {
  TreeShape shape;
  shape.apps = 20;
  Populate(shape);
  std::string tar = dir_ + "/b.tar.zst";
  RunResult b = Backup(tar);
  ASSERT_EQ(b.exit_code, 0) << b.err;

  RunResult verify = RunBaton({"verify", "file://" + tar});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("OK file://" + tar + ": baton format"));
  EXPECT_THAT(verify.out, HasSubstr("checksums verified"));

  RunResult inspect = RunBaton({"inspect", "--json", "file://" + tar});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  json j = json::parse(inspect.out);
  EXPECT_EQ(j["format"], "baton");
  EXPECT_EQ(j["manifest"]["compression"], "zstd");
  EXPECT_EQ(j["manifest"]["source"]["zk_path"], root_);
  EXPECT_EQ(j["storage_version"], "1.10.100");
  EXPECT_EQ(j["categories"]["apps"]["items"].get<int>(), 20 + 2);  // + a unicode and a long id
  EXPECT_EQ(j["manifest"]["entries"], j["items"].get<int>() + j["versions"].get<int>() + 1);

  // list is the catalogue now, not an alias of inspect.
  RunResult list = RunBaton({"list", "file://" + dir_});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(tar.substr(tar.rfind('/') + 1)));

  // And it restores, compressed as it is.
  zk_.DeleteTree(state_);
  ASSERT_EQ(Restore(tar).exit_code, 0);
  ASSERT_EQ(Backup(dir_ + "/again.tar").exit_code, 0);
  RunResult again = RunBaton({"inspect", "--json", "file://" + dir_ + "/again.tar"});
  EXPECT_EQ(json::parse(again.out)["manifest"]["entries_sha256"], j["manifest"]["entries_sha256"]);
}

TEST_F(InspectTest, ACorruptBackupFailsVerifyAndRestoreLeavesTheStateAlone) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/b.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  // One byte of node data changes; the tar structure stays intact.
  std::string bytes = ReadFile(tar);
  size_t at = bytes.find("framework-1234");  // the data, not the entry name
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'F';
  std::ofstream(tar, std::ios::binary | std::ios::trunc) << bytes;

  RunResult verify = RunBaton({"verify", "file://" + tar});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.err, HasSubstr("is corrupt: its SHA-256 is"));

  zk_.Create(state_ + "/apps/0/_after-backup", "still here");
  Snapshot before = zk_.Take(state_);
  RunResult restore = Restore(tar);
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_THAT(restore.err, HasSubstr("corrupt"));
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
}

TEST_F(InspectTest, MarathonFormatVerifiesWithoutChecksums) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/m.tar";
  ASSERT_EQ(RunBaton({"backup", "--format", "marathon", "--backup_location", "file://" + tar,
                      "--zk", zk_url_})
                .exit_code,
            0);
  RunResult verify = RunBaton({"verify", "--backup_location", "file://" + tar});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("marathon format"));
  RunResult bad = RunBaton({"backup", "--format", "marathon", "--compression", "gzip",
                            "--backup_location", "file://" + tar + ".gz", "--zk", zk_url_});
  EXPECT_EQ(bad.exit_code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("plain tar"));
  RunResult missing = RunBaton({"verify", "file://" + dir_ + "/nope.tar"});
  EXPECT_EQ(missing.exit_code, 1);
}

TEST_F(InspectTest, DiffShowsWhatARestoreWouldChange) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/b.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  RunResult same = RunBaton({"diff", "file://" + tar, "--zk", zk_url_});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.out, HasSubstr("no differences"));
  EXPECT_EQ(RunBaton({"diff", "--exit_code", "file://" + tar, "--zk", zk_url_}).exit_code, 0);

  // After the backup: one app added (bucket 3 is "_made-after"'s), one value
  // changed, one version removed.
  zk_.Create(state_ + "/apps/3/_made-after", "new");
  ASSERT_EQ(zoo_set(zk_.handle(), (state_ + "/framework-id/b/id").c_str(), "other", 5, -1), ZOK);
  for (const auto& [path, data] : zk_.Take(state_)) {
    if (path.starts_with("/apps/") && std::count(path.begin(), path.end(), '/') == 4) {
      zk_.DeleteTree(state_ + path);  // a version
      break;
    }
  }
  Snapshot before = zk_.Take(state_);

  RunResult r = RunBaton({"diff", "--json", "file://" + tar, "--zk", zk_url_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_FALSE(j["identical"].get<bool>());
  EXPECT_EQ(j["categories"]["apps"]["items"]["removed"], 1) << r.out;  // the restore deletes it
  EXPECT_EQ(j["categories"]["apps"]["versions"]["added"], 1) << r.out;
  EXPECT_EQ(j["categories"]["framework-id"]["items"]["changed"], 1) << r.out;
  EXPECT_EQ(j["categories"]["apps"]["items"]["changed"], 0);
  RunResult text = RunBaton({"diff", "file://" + tar, "--zk", zk_url_});
  EXPECT_THAT(text.out, HasSubstr("- apps/items/_made-after"));
  EXPECT_THAT(text.out, HasSubstr("~ framework-id/items/id"));
  // --exit_code: 4 when a restore would change something, as git diff's.
  RunResult differs = RunBaton({"diff", "--exit-code", "file://" + tar, "--zk", zk_url_});
  EXPECT_EQ(differs.exit_code, 4) << differs.err;
  EXPECT_THAT(differs.out, HasSubstr("~ framework-id/items/id"));
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");  // diff writes nothing
}

// A hostile backup's text (an ACL, the manifest's fields) may hold terminal
// escape sequences: whatever baton prints of it is escaped.
std::string HostileBackup(const std::string& path, const std::string& acl) {
  MemorySink sink;
  archive::BackupWriter writer(sink, 1500000000, ArchiveFormat::kBaton,
                               archive::Compression::kNone);
  marathon::BackupItem item{"apps", "_web", std::nullopt, "{}"};
  item.acl = acl;
  writer.Add(item.EntryName(), item.data, item.acl);
  archive::Manifest manifest;
  manifest.items = 1;
  manifest.tool = "baton \x1b]0;pwned\x07";
  manifest.created = "2020-01-01T00:00:00Z\x1b[2J";
  manifest.zk_hosts = "zk1:2181\x1b[31m";
  manifest.zk_path = "/marathon\x1b[0m";
  writer.Finish(manifest);
  std::ofstream(path, std::ios::binary) << sink.bytes;
  return "file://" + path;
}

bool HasControlCharacters(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7F;
  });
}

TEST_F(InspectTest, TextFromAHostileBackupIsEscaped) {
  const std::string bad_acl = HostileBackup(dir_ + "/acl.tar", "no colon \x1b]0;pwned\x07");
  for (const char* command : {"verify", "inspect"}) {
    RunResult r = RunBaton({command, bad_acl});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr("unreadable ACL"));
    EXPECT_FALSE(HasControlCharacters(r.out + r.err)) << r.err;
  }
  RunResult diff = RunBaton({"diff", bad_acl, "--zk", zk_url_});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_FALSE(HasControlCharacters(diff.out + diff.err)) << diff.err;

  const std::string bad_manifest = HostileBackup(dir_ + "/manifest.tar", "");
  RunResult inspect = RunBaton({"inspect", "--allow_no_storage_version", bad_manifest});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, HasSubstr("zk1:2181\\x1B[31m"));
  EXPECT_FALSE(HasControlCharacters(inspect.out + inspect.err)) << inspect.out;

  // The manifest's source path, named when a restore checks its target.
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--dry-run"}, {}, {"--dry-run", "--to_other_path"}}) {
    args.insert(args.begin(), {"restore", "--allow_no_storage_version", "--no_safety_backup",
                               "--backup_location", bad_manifest, "--zk", zk_url_});
    RunResult r = RunBaton(args);
    EXPECT_THAT(r.err, HasSubstr("/marathon\\x1B[0m")) << r.err;
    EXPECT_FALSE(HasControlCharacters(r.out + r.err)) << r.err;
  }
}

// verify, inspect and diff print by the rules backup and restore print by:
// --json one object on one line, --quiet nothing.
TEST_F(InspectTest, EveryCommandTakesTheSameOutputFlags) {
  Populate(TreeShape{});
  std::string tar = "file://" + dir_ + "/b.tar";
  ASSERT_EQ(Backup(dir_ + "/b.tar").exit_code, 0);
  const std::vector<std::vector<std::string>> runs = {
      {"verify", tar}, {"inspect", tar}, {"diff", tar, "--zk", zk_url_}};
  for (std::vector<std::string> args : runs) {
    args.push_back("--json");
    RunResult r = RunBaton(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;  // one line
    json j = json::parse(r.out);
    EXPECT_EQ(j["command"], args[0]);
    EXPECT_GE(j["seconds"].get<double>(), 0);
    EXPECT_GT(j["peak_rss_mb"].get<double>(), 0);
    args.back() = "--quiet";
    r = RunBaton(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out + r.err, "") << args[0];
  }
}

}  // namespace
}  // namespace baton::testing
