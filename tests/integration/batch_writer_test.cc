// BatchWriter against the real ZooKeeper: when a multi-op fails, that batch
// and every later one are replayed one op at a time, in order, with
// create-or-update semantics, so the end state is what the calls asked for.
#include "zk/batch_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "baton/zk_url.h"
#include "support/zk_test.h"
#include "zk/multi_op.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

class BatchWriterTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    session_ = std::make_unique<zk::ZkSession>(ZkUrl::Parse(zk_url_), ZkTimeouts{});
    session_->EnsureContainers(state_);
  }
  void TearDown() override {
    session_.reset();
    ZkTest::TearDown();
  }
  // Two ops a batch, every batch in flight at once: a failed batch finds the
  // later ones already sent.
  std::unique_ptr<zk::BatchWriter> Writer() {
    return std::make_unique<zk::BatchWriter>(*session_, 1 << 20, 2, 8);
  }

  std::unique_ptr<zk::ZkSession> session_;
};

TEST_F(BatchWriterTest, BatchesThatSucceedAreNotReplayed) {
  auto writer = Writer();
  for (int i = 0; i < 7; ++i) writer->Create(state_ + "/n" + std::to_string(i), std::to_string(i));
  writer->Set(state_ + "/n3", "three");
  writer->Delete(state_ + "/n4");
  writer->Flush();
  EXPECT_EQ(writer->replayed_batches(), 0u);
  EXPECT_EQ(
      State(),
      (Snapshot{
          {"/n0", "0"}, {"/n1", "1"}, {"/n2", "2"}, {"/n3", "three"}, {"/n5", "5"}, {"/n6", "6"}}));
}

TEST_F(BatchWriterTest, AFailedBatchAndEveryLaterOneAreReplayedInOrder) {
  zk_.Create(state_ + "/b", "old");
  auto writer = Writer();
  writer->Create(state_ + "/a", "1");
  writer->Create(state_ + "/b", "2");  // exists: the first batch fails
  writer->Create(state_ + "/c", "3");  // the second batch succeeds on the server
  writer->Set(state_ + "/c", "4");
  writer->Delete(state_ + "/a");  // the third fails: /a was never created
  writer->Create(state_ + "/d", "5");
  writer->Flush();
  EXPECT_EQ(writer->replayed_batches(), 3u);
  EXPECT_EQ(State(), (Snapshot{{"/b", "2"}, {"/c", "4"}, {"/d", "5"}}));
}

TEST_F(BatchWriterTest, ReplayCreatesOrUpdatesAndCreatesMissingParents) {
  zk_.Create(state_ + "/gone-soon", "x");
  auto writer = Writer();
  writer->Set(state_ + "/never-made", "set makes it");
  writer->Create(state_ + "/p/q/r", "parents made as containers");
  writer->Delete(state_ + "/no-such-node");
  writer->Delete(state_ + "/gone-soon");
  writer->Flush();
  EXPECT_EQ(writer->replayed_batches(), 2u);  // both: a delete of a missing node fails a multi-op
  EXPECT_EQ(State(), (Snapshot{{"/never-made", "set makes it"},
                               {"/p", ""},
                               {"/p/q", ""},
                               {"/p/q/r", "parents made as containers"}}));
}

TEST_F(BatchWriterTest, AnOpThatFailsAloneTooThrowsNamingItsPath) {
  std::string ephemeral = state_ + "/ephemeral";
  ASSERT_EQ(zoo_create(session_->handle(), ephemeral.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE,
                       ZOO_EPHEMERAL, nullptr, 0),
            ZOK);
  auto writer = Writer();
  writer->Create(state_ + "/fine", "");
  writer->Create(ephemeral + "/child", "ephemeral nodes have no children");
  try {
    writer->Flush();
    ADD_FAILURE() << "Flush() returned";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(ephemeral + "/child"));
  }
  EXPECT_EQ(writer->replayed_batches(), 1u);
  EXPECT_TRUE(zk_.Exists(state_ + "/fine")) << "the ops before it were replayed";
}

TEST_F(BatchWriterTest, AFenceOnALostLockStopsEveryWrite) {
  auto writer = Writer();
  writer->FenceOn(root_ + "/no-lock");
  writer->Create(state_ + "/a", "1");
  writer->Create(state_ + "/b", "2");
  writer->Create(state_ + "/c", "3");
  EXPECT_THROW(writer->Flush(), zk::LockLost);
  EXPECT_EQ(writer->replayed_batches(), 0u);
  EXPECT_EQ(State(), Snapshot{});
}

TEST_F(BatchWriterTest, FencedReplayWritesWhileTheLockIsHeld) {
  zk_.Create(root_ + "/lock", "");
  zk_.Create(state_ + "/b", "old");
  auto writer = Writer();
  writer->FenceOn(root_ + "/lock");
  writer->Create(state_ + "/a", "1");
  writer->Create(state_ + "/b", "2");
  writer->Create(state_ + "/x/y", "3");
  writer->Flush();
  EXPECT_EQ(writer->replayed_batches(), 2u);
  EXPECT_EQ(State(), (Snapshot{{"/a", "1"}, {"/b", "2"}, {"/x", ""}, {"/x/y", "3"}}));
}

TEST_F(BatchWriterTest, ReplayedOpsAreFencedToo) {
  zk_.Create(root_ + "/lock", "");
  zk_.Create(state_ + "/b", "old");
  auto writer = std::make_unique<zk::BatchWriter>(*session_, 1 << 20, 1, 8);
  writer->FenceOn(root_ + "/lock");
  writer->Create(state_ + "/b", "new");  // fails: the node exists, so it is replayed...
  writer->Delete(root_ + "/lock");       // ...after this batch has let the lock go
  writer->Create(state_ + "/c", "3");
  EXPECT_THROW(writer->Flush(), zk::LockLost);
  EXPECT_EQ(State(), (Snapshot{{"/b", "old"}}));
}

// A request larger than the server's jute.maxbuffer (1 MiB here) makes it
// drop the connection while the multi-op waits for its answer. The C
// client's synchronous zoo_multi then freed only the request's own entry and
// leaked one per op (LeakSanitizer saw it in a restore that rolled back), so
// MultiOp waits on the asynchronous call itself. Under ASan this test fails
// at exit if any such entry leaks.
TEST_F(BatchWriterTest, AMultiOpCutOffByALostConnectionLeavesNothingBehind) {
  zk_.Create(root_ + "/lock", "");
  zk::MultiOp multi;
  multi.Fence(root_ + "/lock").Create(state_ + "/huge", std::string(2 << 20, 'x'));
  EXPECT_THROW(multi.Run(*session_), zk::ConnectionLost);
  session_->Resume();
  EXPECT_EQ(State(), Snapshot{});
}

}  // namespace
}  // namespace baton::testing
