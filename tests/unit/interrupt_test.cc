// The interrupt facility: what SIGINT/SIGTERM turn into, and the scope that
// keeps a rollback from being cut short.
#include "util/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include "baton/error.h"
#include "zk/completion_queue.h"

namespace baton::util {
namespace {

class InterruptFlag : public ::testing::Test {
 protected:
  void TearDown() override { SimulateInterrupt(0); }
};

ErrorKind KindThrown(void (*call)()) {
  try {
    call();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "interrupted by SIGTERM");
    return e.kind();
  }
  return ErrorKind::kFailed;
}

TEST_F(InterruptFlag, NothingHappensUntilASignalArrives) {
  EXPECT_FALSE(Interrupted());
  EXPECT_EQ(InterruptSignal(), 0);
  EXPECT_NO_THROW(ThrowIfInterrupted());
}

TEST_F(InterruptFlag, ASignalBecomesAnInterruptedError) {
  SimulateInterrupt(SIGTERM);
  EXPECT_TRUE(Interrupted());
  EXPECT_EQ(InterruptSignal(), SIGTERM);
  EXPECT_EQ(KindThrown(&ThrowIfInterrupted), ErrorKind::kInterrupted);
  EXPECT_EQ(ExitCode(ErrorKind::kInterrupted, InterruptSignal()), 143);
}

TEST_F(InterruptFlag, AnUninterruptibleScopeLetsARollbackFinish) {
  SimulateInterrupt(SIGTERM);
  {
    UninterruptibleScope outer;
    {
      UninterruptibleScope inner;
      EXPECT_NO_THROW(ThrowIfInterrupted());
    }
    EXPECT_NO_THROW(ThrowIfInterrupted());
    EXPECT_NO_THROW(SleepInterruptibly(std::chrono::milliseconds(1)));
    EXPECT_TRUE(Interrupted()) << "still known, to stop after the rollback";
  }
  EXPECT_EQ(KindThrown(&ThrowIfInterrupted), ErrorKind::kInterrupted);
}

TEST_F(InterruptFlag, AWaitForACompletionWakesToNoticeIt) {
  zk::CompletionQueue<int> queue;
  queue.Expect();  // a request whose answer never comes
  SimulateInterrupt(SIGTERM);
  try {
    queue.Pop();
    ADD_FAILURE() << "Pop() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInterrupted);
  }
  queue.Push(7);  // the answer comes after all: Drain() is never interrupted
  queue.Drain();
  EXPECT_EQ(queue.outstanding(), 0);
}

}  // namespace
}  // namespace baton::util
