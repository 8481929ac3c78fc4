// Point-in-time backups against the real ZooKeeper while a writer changes
// the tree: every backup must be the tree as of one zxid, never a mix.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

#include "archive/backup_reader.h"
#include "baton/storage.h"
#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/private_zk.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using namespace std::chrono_literals;

constexpr int kCounters = 16;  // step i sets counter i % kCounters to i
constexpr int kWindow = 5;     // step i creates _w<i> and deletes _w<i - kWindow>

std::string Node(const std::string& state, const std::string& id) {
  return state + "/apps/" + marathon::BucketOf(id) + "/" + id;
}

// The writer: step after step, each one atomic (one multi-op), in bursts
// with pauses so that some backups can finish between them. Bounded in steps
// and time.
void Write(const std::string& state, std::atomic<bool>& stop, std::atomic<int>& steps) {
  TestZk zk;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  for (int i = 1; i <= 200000 && !stop && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string value = std::to_string(i);
    std::string counter = Node(state, "_zc" + std::to_string(i % kCounters));
    std::string created = Node(state, "_zw" + std::to_string(i));
    std::string deleted = Node(state, "_zw" + std::to_string(i - kWindow));
    zoo_op_t ops[3];
    zoo_set_op_init(&ops[0], counter.c_str(), value.data(), static_cast<int>(value.size()), -1,
                    nullptr);
    zoo_create_op_init(&ops[1], created.c_str(), value.data(), static_cast<int>(value.size()),
                       &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, nullptr, 0);
    int count = 2;
    if (i > kWindow) zoo_delete_op_init(&ops[count++], deleted.c_str(), -1);
    zoo_op_result_t results[3];
    ASSERT_EQ(zoo_multi(zk.handle(), count, ops, results), ZOK) << "step " << i;
    steps = i;
    if (i % 40 == 0) std::this_thread::sleep_for(700ms);  // a pause after each burst
  }
}

// The counters and windows a backup of either layout holds, by id (the
// entry name's last part).
std::map<std::string, int> Values(const std::string& tar) {
  std::unique_ptr<StorageProvider> file = OpenStorage("file://" + tar);
  std::unique_ptr<BackupSource> source = file->Open();
  archive::BackupReader reader(*source, 64 << 20);
  std::map<std::string, int> values;
  archive::TarEntry entry;
  while (reader.Next(entry)) {
    std::string id = entry.name.substr(entry.name.rfind('/') + 1);
    if (id.starts_with("_zc") || id.starts_with("_zw")) values[id] = std::stoi(entry.data);
  }
  return values;
}

// Empty if `values` is the tree after some step j; else what is wrong.
std::string NotAStep(const std::map<std::string, int>& values) {
  int j = 0;
  for (const auto& [id, v] : values) j = std::max(j, v);
  for (int k = 0; k < kCounters; ++k) {
    int expected = j - ((j - k) % kCounters + kCounters) % kCounters;  // newest i <= j, i % K == k
    if (expected <= 0) expected = 0;
    auto it = values.find("_zc" + std::to_string(k));
    int actual = it == values.end() ? -1 : it->second;
    if (actual != expected) {
      return "after step " + std::to_string(j) + " counter " + std::to_string(k) + " should be " +
             std::to_string(expected) + ", is " + std::to_string(actual);
    }
  }
  for (int i = std::max(1, j - kWindow + 1); i <= j; ++i) {
    if (!values.count("_zw" + std::to_string(i))) {
      return "after step " + std::to_string(j) + " _zw" + std::to_string(i) + " is missing";
    }
  }
  size_t windows = 0;
  for (const auto& [id, v] : values) windows += id.starts_with("_zw") ? 1 : 0;
  if (windows != static_cast<size_t>(std::min(j, kWindow))) {
    return "after step " + std::to_string(j) + " there are " + std::to_string(windows) + " windows";
  }
  return "";
}

// The check itself tells a step's tree from a mix of two.
TEST(ConsistencyCheck, TellsAStepFromAMix) {
  std::map<std::string, int> after_20;
  for (int k = 0; k < kCounters; ++k) after_20["_zc" + std::to_string(k)] = k <= 4 ? 16 + k : k;
  for (int i = 16; i <= 20; ++i) after_20["_zw" + std::to_string(i)] = i;
  EXPECT_EQ(NotAStep(after_20), "");
  std::map<std::string, int> mixed = after_20;
  mixed["_zc3"] = 3;  // read before step 19 wrote it
  EXPECT_NE(NotAStep(mixed), "");
  mixed = after_20;
  mixed.erase("_zw16");  // listed after step 21 deleted it
  EXPECT_NE(NotAStep(mixed), "");
}

class ConcurrentWrites : public ZkTest, public ::testing::WithParamInterface<const char*> {};

// Marathon's layout, and the tree layout on the same tree (whose walk lists
// a node's children in a read after its data's).
TEST_P(ConcurrentWrites, BackupsAreTheTreeAtOneZxid) {
  TreeShape shape;
  shape.apps = 300;
  shape.instances = 300;
  shape.big_values = 0;
  Populate(shape);
  for (int k = 0; k < kCounters; ++k) {
    std::string id = "_zc" + std::to_string(k);
    zk_.Create(Node(state_, id), "0");
  }
  std::atomic<bool> stop{false};
  std::atomic<int> steps{0};
  std::thread writer([&] { Write(state_, stop, steps); });
  struct Join {  // however the test ends
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Join() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } join{stop, writer};
  for (int i = 0; i < 1000 && steps < 10; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_GE(steps, 10);

  // At least 5 backups, and more (at most 40) until one has seen the writer:
  // a multiRead walk of this tree takes milliseconds, and several can fall
  // between two of the writer's steps.
  int consistent = 0, retried = 0;
  for (int b = 0; b < 40 && (b < 5 || retried == 0); ++b) {
    std::string tar = dir_ + "/b" + std::to_string(b) + ".tar";
    RunResult r = RunBaton({"backup", "--layout", GetParam(), "--consistency_attempts", "30",
                            "--backup_location", "file://" + tar, "--zk", zk_url_});
    if (r.err.find("changed while the tree was read") != std::string::npos) ++retried;
    if (r.exit_code != 0) {
      // Allowed only as a clear refusal.
      EXPECT_THAT(r.err, HasSubstr("kept changing"));
      continue;
    }
    EXPECT_EQ(NotAStep(Values(tar)), "") << tar;
    ++consistent;
  }
  stop = true;
  writer.join();
  EXPECT_GT(consistent, 0);
  // The writer did run during the backups, and the check caught it.
  EXPECT_GT(retried, 0) << "steps written: " << steps;
  std::printf("%d steps written during the backups: %d consistent, %d needed another read\n",
              steps.load(), consistent, retried);
}

INSTANTIATE_TEST_SUITE_P(Layouts, ConcurrentWrites, ::testing::Values("marathon", "tree"));

TEST(QuietBackup, NothingWrittenMeanwhileNeedsNoSecondLook) {
  PrivateZk server;
  TestZk zk(server.address());
  zk.Create("/quiet", "");
  zk.Create("/quiet/state", "", true);
  zk.CreateMany(MarathonTree("/quiet/state", TreeShape{}));
  std::string tar = TempDir() + "/quiet.tar";
  RunResult r = RunBaton({"backup", "--json", "--backup_location", "file://" + tar, "--zk",
                          "zk://" + server.address() + "/quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"quiet\":true"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written meanwhile"));
  // The window's marker is gone with the backup.
  String_vector children{};
  ASSERT_EQ(zoo_get_children(zk.handle(), "/quiet", 0, &children), ZOK);
  EXPECT_EQ(children.count, 1);  // state
  deallocate_String_vector(&children);

  // A user who may not create nodes under the path still backs up, with
  // every node checked again.
  ASSERT_EQ(zoo_set_acl(zk.handle(), "/quiet", -1, &ZOO_READ_ACL_UNSAFE), ZOK);
  r = RunBaton({"backup", "--json", "--backup_location", "file://" + tar, "--zk",
                "zk://" + server.address() + "/quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"quiet\":false"));
  EXPECT_THAT(r.err, HasSubstr("every node read was checked again"));
}

}  // namespace
}  // namespace baton::testing
