// The tree layout (issue 15): any subtree backed up and restored node by
// node, with what clients depend on beyond data: ACLs, data versions and the
// numbering of sequential children; ephemeral nodes left out.
#include "layout/tree/tree_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "integration/tree_fixture.h"
#include "layout/marathon/backup_item.h"
#include "support/private_zk.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TreeLayoutTest : public TreeFixture {};

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
  // Every node's entry comes after its parent's: a restore creates them in
  // that order.
  std::set<std::string> seen;
  std::istringstream names(Shell("tar -tf " + tar));
  for (std::string name; std::getline(names, name);) {
    if (name.starts_with("zk-tree/n/")) {
      EXPECT_TRUE(seen.count(name.substr(0, name.rfind('/')))) << name;
    }
    seen.insert(name);
  }

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

// A tree restored into a path that does not exist yet gets a persistent
// root: a container root would be reaped once its service emptied it.
TEST_F(TreeLayoutTest, ARestoreIntoANewPathMakesAPersistentRoot) {
  Populate();
  // The root's own counter: 3 children made by Populate, 10 more made and
  // gone, so its next sequential child is number 13.
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(zoo_delete(zk_.handle(), CreateSequential(svc_ + "/s-").c_str(), -1), ZOK);
  }
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  const std::string copy = root_ + "/copy";
  RunResult r = RunBaton({"restore", "--layout", "tree", "--to_other_path", "--backup_location",
                          "file://" + tar, "--zk", "zk://" + ZkAddress() + copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(zk_.Get(copy), "root data");
  EXPECT_EQ(StatOf(copy).ephemeralOwner, 0);
  EXPECT_THAT(CreateSequential(copy + "/s-"), HasSubstr("s-0000000013"));
  // The client cannot see a node's type: empty it and wait past the test
  // server's container reaper (every 500 ms).
  for (const std::string& child : zk_.Children(copy)) zk_.DeleteTree(copy + "/" + child);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(zk_.Exists(copy));
}

// --merge writes the backup into the tree as it is: what the backup holds is
// created or updated, with its counters, and nothing else is deleted.
// Merged into the tree it came from, a backup changes nothing: no node is
// written again, so no data version moves (and a merge run again after a
// lost connection does not raise them either).
TEST_F(TreeLayoutTest, AMergeIntoTheTreeABackupCameFromWritesNothing) {
  Populate();
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  auto versions = [&] {
    std::map<std::string, int32_t> out;
    for (const auto& [path, data] : zk_.Take(svc_)) out[path] = StatOf(svc_ + path).version;
    out["/"] = StatOf(svc_).version;
    return out;
  };
  const std::map<std::string, int32_t> before = versions();
  for (int run = 0; run < 2; ++run) {
    RunResult merge = RunBaton({"restore", "--layout", "tree", "--merge", "--force",
                                "--backup_location", "file://" + tar, "--zk", url_});
    ASSERT_EQ(merge.exit_code, 0) << merge.err;
  }
  EXPECT_EQ(versions(), before);
}

TEST_F(TreeLayoutTest, AMergeCreatesAndUpdatesAndDeletesNothing) {
  Populate();
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  // The tree moves on: a value changes, a subtree goes, a node arrives, and
  // both counters start again (a node and a queue deleted and made anew).
  ASSERT_EQ(zoo_set(zk_.handle(), (svc_ + "/brokers/topics/t1").c_str(), "new", 3, -1), ZOK);
  zk_.DeleteTree(svc_ + "/unicode");
  zk_.Create(svc_ + "/extra", "kept");
  zk_.DeleteTree(svc_ + "/brokers/seqid");
  zk_.Create(svc_ + "/brokers/seqid", "");
  zk_.DeleteTree(svc_ + "/config/changes");
  zk_.Create(svc_ + "/config/changes", "");
  CreateSequential(svc_ + "/config/changes/n-");
  // A node whose ACL the tree's owner narrowed meanwhile keeps it.
  ACL no_admin{ZOO_PERM_READ | ZOO_PERM_WRITE | ZOO_PERM_CREATE | ZOO_PERM_DELETE,
               {const_cast<char*>("world"), const_cast<char*>("anyone")}};
  ACL_vector narrowed{1, &no_admin};
  ASSERT_EQ(zoo_set_acl(zk_.handle(), (svc_ + "/brokers/topics/t1").c_str(), -1, &narrowed), ZOK);
  ASSERT_EQ(zoo_set_acl(zk_.handle(), svc_.c_str(), -1, &narrowed), ZOK);  // the root's too

  RunResult merge = RunBaton({"restore", "--layout", "tree", "--merge", "--force",
                              "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  EXPECT_THAT(merge.out, HasSubstr("merged, nothing deleted"));
  EXPECT_EQ(zk_.Get(svc_ + "/brokers/topics/t1"), R"({"partitions":{"0":[1]}})");
  EXPECT_EQ(zk_.Get(svc_ + "/unicode/\xc3\xa9t\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(zk_.Get(svc_ + "/extra"), "kept");
  EXPECT_EQ(StatOf(svc_ + "/brokers/seqid").version, 37);
  // The restored items n-10..n-29 and the new n-0 are all there; the next
  // one sorts after them all.
  EXPECT_EQ(zk_.Children(svc_ + "/config/changes").size(), 21u);
  EXPECT_THAT(CreateSequential(svc_ + "/config/changes/n-"), HasSubstr("n-0000000030"));
  Stat stat{};
  ACL_vector acl{};
  ASSERT_EQ(zoo_get_acl(zk_.handle(), (svc_ + "/brokers/topics/t1").c_str(), &acl, &stat), ZOK);
  ASSERT_EQ(acl.count, 1);
  EXPECT_EQ(acl.data[0].perms, no_admin.perms);
  deallocate_ACL_vector(&acl);
  ASSERT_EQ(zoo_get_acl(zk_.handle(), svc_.c_str(), &acl, &stat), ZOK);
  ASSERT_EQ(acl.count, 1);
  EXPECT_EQ(acl.data[0].perms, no_admin.perms);
  deallocate_ACL_vector(&acl);

  // Marathon's state is one whole: never merged.
  RunResult marathon =
      RunBaton({"restore", "--merge", "--backup_location", "file://" + tar, "--zk", zk_url_});
  EXPECT_EQ(marathon.exit_code, kExitUsage);
  EXPECT_THAT(marathon.err, HasSubstr("--merge takes the tree layout"));
}

// A node the session may not read is named, and left out (with what is
// below it) only when told; both read paths alike.
TEST_F(TreeLayoutTest, AnUnreadableNodeIsNamedOrLeftOutWhenTold) {
  Populate();
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  const std::string secret = svc_ + "/config/secret";
  zk_.Create(secret, "s");
  zk_.Create(secret + "/child", "c");
  ACL alice_only{ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}};
  ACL_vector acl{1, &alice_only};
  ASSERT_EQ(zoo_set_acl(zk_.handle(), secret.c_str(), -1, &acl), ZOK);

  for (const char* reads : {"--multi_read_default", "--no_multi_read"}) {
    SCOPED_TRACE(reads);
    const std::string tar = dir_ + "/tree" + reads + ".tar";
    std::vector<std::string> args = {"backup",        "--layout", "tree", "--backup_location",
                                     "file://" + tar, "--zk",     url_};
    if (std::string(reads) == "--no_multi_read") args.push_back(reads);
    RunResult refused = RunBaton(args);
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("cannot read " + secret));
    EXPECT_THAT(refused.err, HasSubstr("--skip_unreadable"));

    args.push_back("--skip_unreadable");
    RunResult skipped = RunBaton(args);
    ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
    EXPECT_THAT(skipped.out, HasSubstr("1 ephemeral and 1 unreadable nodes left out"));
    EXPECT_THAT(skipped.err, HasSubstr(secret));
    RunResult inspect = RunBaton({"inspect", "file://" + tar});
    EXPECT_THAT(inspect.out, HasSubstr("1 ephemeral nodes, 1 unreadable"));
    EXPECT_THAT(Shell("tar -tf " + tar), Not(HasSubstr("secret")));
  }
  // An unreadable root is no backup, whatever the flag says.
  RunResult root =
      RunBaton({"backup", "--layout", "tree", "--skip_unreadable", "--backup_location",
                "file://" + dir_ + "/secret.tar", "--zk", "zk://" + ZkAddress() + secret});
  EXPECT_EQ(root.exit_code, 1);
  EXPECT_THAT(root.err, HasSubstr("cannot read " + secret));

  // A merge leaves it alone, once told that the state cannot be saved first.
  std::vector<std::string> merge_args = {"restore",
                                         "--layout",
                                         "tree",
                                         "--merge",
                                         "--force",
                                         "--backup_location",
                                         "file://" + dir_ + "/tree--no_multi_read.tar",
                                         "--zk",
                                         url_};
  RunResult unsaved = RunBaton(merge_args);
  EXPECT_EQ(unsaved.exit_code, 1);
  EXPECT_THAT(unsaved.err, HasSubstr("cannot save the current state"));
  merge_args.push_back("--no_safety_backup");
  RunResult merge = RunBaton(merge_args);
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  EXPECT_EQ(zk_.Get(secret + "/child"), "c");
}

// A parent whose recorded ACL locks the restoring session out of it (as
// Kafka's sasl ACLs on every node do; here one address that is not the
// session's) is made with the session's own ACL, filled, and given the
// recorded one last. (One identity throughout: Baton's control nodes under
// /baton take the ACL of the identity that made them.)
TEST_F(TreeLayoutTest, ARestrictiveParentAclIsSetAfterItsChildren) {
  Populate();
  const std::string owned = svc_ + "/owned";
  zk_.Create(owned, "o");
  for (int i = 0; i < 5; ++i) zk_.Create(owned + "/c" + std::to_string(i), "c");
  ACL other_host_and_readers[] = {
      {ZOO_PERM_ALL, {const_cast<char*>("ip"), const_cast<char*>("127.0.0.2")}},
      {ZOO_PERM_READ | ZOO_PERM_DELETE, {const_cast<char*>("world"), const_cast<char*>("anyone")}}};
  ACL_vector acl{2, other_host_and_readers};
  ASSERT_EQ(zoo_set_acl(zk_.handle(), owned.c_str(), -1, &acl), ZOK);
  Snapshot before = zk_.Take(svc_);
  const std::string recorded = AclText(zk_.handle(), owned);
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);

  // The world may read and delete below it, but not create: without the
  // ACL set last, the restore could not put its children back.
  zk_.DeleteTree(owned);
  RunResult restore = RunBaton({"restore", "--layout", "tree", "--force", "--backup_location",
                                "file://" + tar, "--zk", url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  Snapshot after = zk_.Take(svc_);
  for (Snapshot* s : {&before, &after}) {
    std::erase_if(*s, [](const auto& e) { return e.first.starts_with("/brokers/ids/"); });
  }
  EXPECT_EQ(Diff(before, after), "");
  EXPECT_EQ(AclText(zk_.handle(), owned), recorded);
}

// ZooKeeper 3.6+ hides a digest hash from a session without ADMIN on the
// node ("digest:alice:x"): a backup cannot record that ACL, so it refuses.
TEST_F(TreeLayoutTest, AnAclWhoseHashTheServerHidIsNotRecorded) {
  Populate();
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  const std::string owned = svc_ + "/owned";
  zk_.Create(owned, "o");
  ACL alice_and_readers[] = {
      {ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}},
      {ZOO_PERM_READ, {const_cast<char*>("world"), const_cast<char*>("anyone")}}};
  ACL_vector acl{2, alice_and_readers};
  ASSERT_EQ(zoo_set_acl(zk_.handle(), owned.c_str(), -1, &acl), ZOK);
  RunResult hidden = Backup(dir_ + "/tree.tar");
  EXPECT_EQ(hidden.exit_code, 1);
  EXPECT_THAT(hidden.err, HasSubstr("hides digest hashes"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/tree.tar"));
}

// The point-in-time proof works for a tree as for Marathon's state: on a
// quiet tree the window's marker (in the control path, made on demand)
// proves it, and no node is read twice. On a server of its own: on the
// shared one, another test's write inside the window makes it not quiet.
TEST(TreeLayoutQuiet, AQuietTreeIsProvenWithoutASecondRead) {
  PrivateZk server;
  TestZk zk(server.address());
  zk.Create("/svc", "root data");
  for (int i = 0; i < 20; ++i) zk.Create("/svc/n" + std::to_string(i) + "/child", "x");
  RunResult r =
      RunBaton({"backup", "--json", "--layout", "tree", "--backup_location",
                "file://" + TempDir() + "/tree.tar", "--zk", "zk://" + server.address() + "/svc"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json result = nlohmann::json::parse(r.out);
  EXPECT_TRUE(result["quiet"].get<bool>()) << r.err;
  EXPECT_EQ(result["attempts"], 1);
}

// The counters are attributes outside the checksums: one ZooKeeper could
// not take is refused while the backup is validated, before anything is
// deleted (it used to escape as a std::invalid_argument mid-restore, after
// the tree was emptied, past the rollback).
TEST_F(TreeLayoutTest, ACounterThatCannotBeWrittenBackIsRefusedBeforeAnythingIsTouched) {
  Populate();
  const std::string tar = dir_ + "/tree.tar", bad = dir_ + "/bad.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  std::ofstream(dir_ + "/tamper.py")
      << "import base64, sys, tarfile\n"
         "with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], 'w', "
         "format=tarfile.PAX_FORMAT) as dst:\n"
         "    for m in src.getmembers():\n"
         "        if m.name == 'zk-tree/n/brokers/seqid':\n"
         "            for k in list(m.pax_headers):\n"
         "                if k.endswith('baton.version'):\n"
         "                    m.pax_headers[k] = base64.b64encode(b'abc').decode() "
         "if k.startswith('LIBARCHIVE') else 'abc'\n"
         "        dst.addfile(m, src.extractfile(m))\n";
  ASSERT_EQ(std::system(("python3 " + dir_ + "/tamper.py " + tar + " " + bad).c_str()), 0);
  zk_.Create(svc_ + "/written-after", "x");
  Snapshot before = zk_.Take(svc_);

  RunResult verify = RunBaton({"verify", "file://" + bad});
  EXPECT_EQ(verify.exit_code, kExitFailed);
  EXPECT_THAT(verify.err, HasSubstr("baton.version is 'abc'"));
  RunResult r = RunBaton({"restore", "--layout", "tree", "--force", "--backup_location",
                          "file://" + bad, "--zk", url_});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_THAT(r.err, HasSubstr("baton.version is 'abc'"));
  EXPECT_EQ(Diff(before, zk_.Take(svc_)), "");
}

TEST_F(TreeLayoutTest, ABackupOfOneLayoutIsNotRestoredAsTheOther) {
  Populate();
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(
      RunBaton({"backup", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_})
          .exit_code,
      0);
  RunResult r = RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", url_});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--layout tree"));
}

TEST_F(TreeLayoutTest, ARestoreRefusesWhileEphemeralNodesLiveUnderThePath) {
  Populate();  // with a live broker's ephemeral id
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  zk_.Create(svc_ + "/config/changes/written-after", "x");
  Snapshot changed = zk_.Take(svc_);
  RunResult r =
      RunBaton({"restore", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_});
  EXPECT_EQ(r.exit_code, kExitRefused) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 ephemeral node under " + svc_ + " (" + svc_ + "/brokers/ids/b-"));
  EXPECT_THAT(r.err, HasSubstr("--force"));
  EXPECT_EQ(Diff(changed, zk_.Take(svc_)), "");

  RunResult forced = RunBaton({"restore", "--layout", "tree", "--force", "--backup_location",
                               "file://" + tar, "--zk", url_});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(zk_.Exists(svc_ + "/config/changes/written-after"));
}

TEST_F(TreeLayoutTest, ZooKeepersAndBatonsOwnPathsAreNeverTaken) {
  for (const std::string path : {"/zookeeper", "/zookeeper/quota", "/baton", "/baton/x"}) {
    RunResult r = RunBaton({"backup", "--layout", "tree", "--backup_location",
                            "file://" + dir_ + "/x.tar", "--zk", "zk://" + ZkAddress() + path});
    EXPECT_EQ(r.exit_code, kExitUsage) << path;
    EXPECT_THAT(r.err, HasSubstr("the tree layout does not take " + path)) << path;
  }
}

TEST_F(TreeLayoutTest, VerifyInspectAndDiffReadATreeBackup) {
  Populate();
  const std::string tar = dir_ + "/tree.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  RunResult verify = RunBaton({"verify", "file://" + tar});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  RunResult same = RunBaton({"diff", "--json", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(nlohmann::json::parse(same.out)["identical"].get<bool>()) << same.out;

  ASSERT_EQ(zoo_set(zk_.handle(), (svc_ + "/brokers/topics/t1").c_str(), "{}", 2, -1), ZOK);
  RunResult changed =
      RunBaton({"diff", "--json", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_FALSE(nlohmann::json::parse(changed.out)["identical"].get<bool>()) << changed.out;
  EXPECT_THAT(changed.out, HasSubstr("zk-tree/n/brokers/topics/t1"));
}

TEST_F(TreeLayoutTest, RecoverRollsBackAnInterruptedTreeRestore) {
  Populate();
  for (const std::string& id : zk_.Children(svc_ + "/brokers/ids")) {
    zk_.DeleteTree(svc_ + "/brokers/ids/" + id);  // the ephemeral: not backed up
  }
  Snapshot before = zk_.Take(svc_);
  const std::string safety = dir_ + "/safety.tar";
  ASSERT_EQ(Backup(safety).exit_code, 0);
  // What a tree restore killed half-way leaves: its marker, in the control
  // path outside the tree, and part of a state.
  zk_.Create(std::string(layout::kTreeControlRoot) + svc_ + "/restore-in-progress",
             R"({"safety_backup": "file://)" + safety +
                 R"(", "restoring": "file:///elsewhere.tar", "started": "x", "host": "h"})");
  zk_.DeleteTree(svc_ + "/brokers");

  RunResult r = RunBaton({"recover", "--zk", url_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rolled back an interrupted restore"));
  EXPECT_EQ(Diff(before, zk_.Take(svc_)), "");
  EXPECT_EQ(StatOf(svc_ + "/brokers/seqid").version, 37);
  EXPECT_THAT(RunBaton({"recover", "--zk", url_}).out, HasSubstr("nothing to recover"));

  // Where Marathon's control path (--zk /baton<path>) meets the tree's, a
  // Marathon restore or recover leaves the tree restore's marker alone.
  const std::string control = std::string(layout::kTreeControlRoot) + svc_;
  zk_.Create(control + "/restore-in-progress",
             R"({"safety_backup": "file://)" + safety +
                 R"(", "restoring": "file:///elsewhere.tar", "started": "x", "host": "h",)" +
                 R"( "layout": "tree"})");
  RunResult marathon = RunBaton({"restore", "--backup_location", "file://" + safety, "--zk",
                                 "zk://" + ZkAddress() + control});
  EXPECT_EQ(marathon.exit_code, 3) << marathon.err;
  EXPECT_THAT(marathon.err, HasSubstr("--layout tree"));
  RunResult elsewhere = RunBaton({"recover", "--zk", "zk://" + ZkAddress() + control});
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.err;
  EXPECT_THAT(elsewhere.out, HasSubstr("nothing to recover"));
  EXPECT_TRUE(zk_.Exists(control + "/restore-in-progress"));
  EXPECT_THAT(RunBaton({"recover", "--zk", url_}).out, HasSubstr("rolled back"));
}

// The shapes other services leave: SolrCloud's configsets (files up to
// 500 KB) and collections' state.json, a chain 40 deep, one node with
// 200,000 children, and a Kafka-like notification parent whose cversion is
// in the thousands.
TEST_F(TreeLayoutTest, SolrDeepAndWideTreesRoundTrip) {
  std::vector<NewNode> nodes = {
      {svc_, ""},
      {svc_ + "/configs", ""},
      {svc_ + "/configs/conf1", ""},
      {svc_ + "/configs/conf1/solrconfig.xml", std::string(500 << 10, 's')},
      {svc_ + "/configs/conf1/managed-schema", std::string(90 << 10, 'm')},
      {svc_ + "/collections", ""},
      {svc_ + "/collections/c1", R"({"configName":"conf1"})"},
      {svc_ + "/collections/c1/state.json", R"({"c1":{"shards":{}}})"}};
  std::string deep = svc_ + "/deep";
  for (int depth = 0; depth < 40; ++depth) {
    nodes.push_back({deep, "level " + std::to_string(depth)});
    deep += "/d";
  }
  nodes.push_back({svc_ + "/wide", ""});
  for (int i = 0; i < 200'000; ++i) nodes.push_back({svc_ + "/wide/w" + std::to_string(i), ""});
  nodes.push_back({svc_ + "/changes", ""});
  zk_.CreateMany(nodes);
  for (int i = 0; i < 1500; ++i) {
    const std::string made = CreateSequential(svc_ + "/changes/c-");
    if (i < 1490) {
      ASSERT_EQ(zoo_delete(zk_.handle(), made.c_str(), -1), ZOK);
    }
  }
  // Snapshots of the small parts; the wide node by its children's names
  // (a snapshot reads node by node).
  auto small_parts = [&] {
    Snapshot parts;
    for (const char* part : {"/configs", "/collections", "/deep", "/changes"}) {
      for (auto& [path, data] : zk_.Take(svc_ + part)) parts[part + path] = data;
    }
    return parts;
  };
  Snapshot before = small_parts();
  std::vector<std::string> wide = zk_.Children(svc_ + "/wide");
  ASSERT_EQ(wide.size(), 200'000u);

  // No ACLs and no safety backup: they are tested elsewhere, and here they
  // would double the test's time (getACL is one request per node).
  const std::string tar = dir_ + "/tree.tar.zst";
  RunResult backup = RunBaton({"backup", "--layout", "tree", "--no_acls", "--backup_location",
                               "file://" + tar, "--zk", url_});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  zk_.DeleteTree(svc_ + "/changes");
  zk_.DeleteTree(svc_ + "/wide/w7");
  zk_.Create(svc_ + "/wide/after", "");
  RunResult restore = RunBaton({"restore", "--layout", "tree", "--no_safety_backup",
                                "--backup_location", "file://" + tar, "--zk", url_},
                               600);
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(Diff(before, small_parts()), "");
  std::vector<std::string> wide_after = zk_.Children(svc_ + "/wide");
  std::sort(wide.begin(), wide.end());
  std::sort(wide_after.begin(), wide_after.end());
  EXPECT_EQ(wide_after, wide);
  EXPECT_EQ(StatOf(svc_ + "/changes").cversion, 2 * 1500 - 10);
  EXPECT_THAT(CreateSequential(svc_ + "/changes/c-"), HasSubstr("c-0000001500"));
}

// Apache Curator's SimpleDistributedQueue (tests/compat/CuratorQueue.java)
// on `path`; its output, and the exit code in `code`.
std::string Curator(const std::string& path, const std::string& args, int* code) {
  std::string classpath;
  for (const char* jar : {"curator-client", "curator-framework", "curator-recipes", "guava",
                          "zookeeper", "zookeeper-jute", "slf4j-api"}) {
    classpath += (classpath.empty() ? "" : ":") + std::string("/usr/share/java/") + jar + ".jar";
  }
  return Shell("java -cp " + classpath + " " + SourceDir() + "/tests/compat/CuratorQueue.java " +
                   ZkAddress() + " " + path + " " + args + " 2>/dev/null",
               code);
}

// What the tree layout is for: a restored queue keeps handing out items in
// order, the old ones first, because the parent's cversion came back (a
// restore that recreates the items without it makes the next offer fail
// with NodeExists).
TEST_F(TreeLayoutTest, ACuratorQueueWorksOnAfterARestore) {
  zk_.Create(svc_, "");
  const std::string queue = svc_ + "/queue";
  int code = -1;
  Curator(queue, "offer 30 old", &code);
  ASSERT_EQ(code, 0);
  Curator(queue, "take 10", &code);
  ASSERT_EQ(code, 0);
  const std::string tar = dir_ + "/queue.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  zk_.DeleteTree(queue);
  // What every other tool does: the items come back by name, the counter
  // does not, and the queue is broken.
  RunResult plain = RunBaton({"restore", "--layout", "tree", "--no_restore_counters",
                              "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  Curator(queue, "offer 1 new", &code);
  EXPECT_NE(code, 0) << "the offer found a free name: the test shows nothing";

  RunResult restore =
      RunBaton({"restore", "--layout", "tree", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  Curator(queue, "offer 1 new", &code);
  EXPECT_EQ(code, 0) << "the next offer failed: the queue's cversion did not come back";
  std::string taken = Curator(queue, "take 22", &code);
  ASSERT_EQ(code, 0);
  std::string expected;
  for (int i = 10; i < 30; ++i) expected += "old" + std::to_string(i) + "\n";
  EXPECT_EQ(taken, expected + "new0\n<empty>\n");
}

TEST_F(TreeLayoutTest, ExcludedSubtreesAndEphemeralsAreLeftOutAndNamedInTheManifest) {
  Populate();
  zk_.Create(svc_ + "/admin/reassign/p1", "x");
  const std::string tar = dir_ + "/tree.tar";
  RunResult backup =
      RunBaton({"backup", "--layout", "tree", "--exclude", "/admin/*", "--exclude",
                "/config/changes", "--backup_location", "file://" + tar, "--zk", url_});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, HasSubstr("(1 ephemeral nodes left out)"));
  RunResult inspect = RunBaton({"inspect", "--json", "file://" + tar});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  nlohmann::json manifest = nlohmann::json::parse(inspect.out)["manifest"];
  EXPECT_EQ(manifest["ephemerals"], 1);
  EXPECT_EQ(manifest["excluded"], nlohmann::json({"/admin/*", "/config/changes"}));
  EXPECT_THAT(
      RunBaton({"inspect", "file://" + tar}).out,
      HasSubstr(
          "left out         1 ephemeral nodes, 0 unreadable; excluded: /admin/* /config/changes"));

  std::string names = Shell("tar -tf " + tar);
  EXPECT_THAT(names, HasSubstr("zk-tree/n/admin\n"));  // the glob matches below it
  EXPECT_THAT(names, ::testing::Not(HasSubstr("zk-tree/n/admin/reassign")));
  EXPECT_THAT(names, ::testing::Not(HasSubstr("zk-tree/n/config/changes")));
  EXPECT_THAT(names, HasSubstr("zk-tree/n/config\n"));

  RunResult marathon = RunBaton({"backup", "--exclude", "/x", "--backup_location",
                                 "file://" + dir_ + "/m.tar", "--zk", url_});
  EXPECT_EQ(marathon.exit_code, kExitUsage);
  EXPECT_THAT(marathon.err, HasSubstr("--exclude is for the tree layout"));
  // A glob without its leading / would match nothing at all.
  RunResult relative = RunBaton({"backup", "--layout", "tree", "--exclude", "admin/*",
                                 "--backup_location", "file://" + dir_ + "/r.tar", "--zk", url_});
  EXPECT_EQ(relative.exit_code, kExitUsage);
  EXPECT_THAT(relative.err, HasSubstr("starting with / (e.g. /admin/*)"));
  RunResult format = RunBaton({"backup", "--layout", "tree", "--format", "marathon",
                               "--backup_location", "file://" + dir_ + "/m.tar", "--zk", url_});
  EXPECT_EQ(format.exit_code, kExitUsage);
  EXPECT_THAT(format.err, HasSubstr("written in the baton format"));
}

// README's "Backing up Kafka's ZooKeeper", run as written against a
// Kafka-like tree with a live broker (an ephemeral id held by a session of
// its own), stopped where the walk-through says so.
TEST_F(TreeLayoutTest, TheKafkaWalkthroughRunsAsWritten) {
  std::string script = ReadmeBlock("kafka-walkthrough");
  ASSERT_NE(script, "");
  const std::string stop = "# ... stop every broker, then:\n";
  ASSERT_NE(script.find(stop), std::string::npos);
  script.replace(script.find(stop), stop.size(),
                 "for i in $(seq 600); do [ -e $DIR/stopped ] && break; sleep 0.1; done\n");
  std::ofstream(dir_ + "/kafka.sh") << script;

  Populate();
  for (const std::string& id : zk_.Children(svc_ + "/brokers/ids")) {
    zk_.DeleteTree(svc_ + "/brokers/ids/" + id);
  }
  Snapshot before = zk_.Take(svc_);
  auto broker = std::make_unique<TestZk>();
  ASSERT_EQ(zoo_create(broker->handle(), (svc_ + "/brokers/ids/1").c_str(), "b", 1,
                       &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, nullptr, 0),
            ZOK);

  const std::string out_path = dir_ + "/out.txt";
  const std::string command = "cd " + dir_ + " && ZK=" + ZkAddress() + " KAFKA=" + svc_ +
                              " DIR=" + dir_ + " BATON=" + BatonBinary() +
                              " timeout 120 bash -e kafka.sh > out.txt 2>&1 < /dev/null";
  int rc = -1;
  std::thread run([&] { rc = std::system(command.c_str()); });
  auto out = [&] {
    std::ifstream file(out_path);
    return std::string(std::istreambuf_iterator<char>(file), {});
  };
  for (int i = 0; i < 600 && out().find("refused: exit") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  broker.reset();  // the broker stops: its session and ephemeral id go
  std::ofstream(dir_ + "/stopped") << "";
  run.join();
  ASSERT_EQ(rc, 0) << out();
  EXPECT_THAT(out(), HasSubstr("layout           tree"));
  EXPECT_THAT(out(), HasSubstr("left out         1 ephemeral nodes"));
  EXPECT_THAT(out(), HasSubstr("refused: exit 3"));
  EXPECT_THAT(out(), HasSubstr("no differences: a restore would change nothing"));
  EXPECT_EQ(Diff(before, zk_.Take(svc_)), "");
}

TEST(TreeEntryNames, NeverParseAsMarathonEntities) {
  for (const char* rel : {"", "/items/x", "/versions/x/2020-01-01T00:00:00.000Z", "/a/items/b"}) {
    const std::string name = std::string(layout::kTreeEntryPrefix) + rel;
    EXPECT_THROW(marathon::BackupItem::FromEntryName(name), Error) << name;
  }
}

}  // namespace
}  // namespace baton::testing
