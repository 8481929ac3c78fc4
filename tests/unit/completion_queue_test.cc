// CompletionQueue: hands completions from the client's thread to the issuer,
// in order, and counts what is outstanding.
#include "zk/completion_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

namespace baton::zk {
namespace {

TEST(CompletionQueue, CountsRequestsUntilTheirCompletionIsTaken) {
  CompletionQueue<int> queue;
  EXPECT_EQ(queue.outstanding(), 0);
  queue.Expect();
  queue.Expect();
  queue.Expect();
  queue.Cancel();  // sending failed: no completion will come
  EXPECT_EQ(queue.outstanding(), 2);
  queue.Push(1);
  EXPECT_EQ(queue.outstanding(), 2) << "arrived is not taken";
  EXPECT_EQ(queue.Pop(), 1);
  EXPECT_EQ(queue.outstanding(), 1);
}

TEST(CompletionQueue, TakesCompletionsInTheOrderTheyArrived) {
  CompletionQueue<int> queue;
  for (int i = 0; i < 4; ++i) queue.Expect();
  queue.Push(1);
  queue.Push(2);
  EXPECT_EQ(queue.Pop(), 1);
  queue.Push(3);  // arrives while 2 is already taken in bulk: comes after it
  EXPECT_EQ(queue.Pop(), 2);
  queue.Push(4);
  EXPECT_EQ(queue.Pop(), 3);
  EXPECT_EQ(queue.Pop(), 4);
  EXPECT_EQ(queue.outstanding(), 0);
}

TEST(CompletionQueue, HandsOverFromAnotherThreadInOrder) {
  constexpr int kCount = 20000;
  CompletionQueue<std::unique_ptr<int>> queue;  // move-only values too
  for (int i = 0; i < kCount; ++i) queue.Expect();
  std::thread completions([&] {
    for (int i = 0; i < kCount; ++i) queue.Push(std::make_unique<int>(i));
  });
  std::vector<int> taken;
  while (queue.outstanding() > 0) taken.push_back(*queue.Pop());
  completions.join();
  ASSERT_EQ(taken.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(taken[static_cast<size_t>(i)], i);
}

TEST(CompletionQueue, PopWaitsForACompletionStillToCome) {
  CompletionQueue<int> queue;
  queue.Expect();
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    queue.Push(42);
  });
  EXPECT_EQ(queue.Pop(), 42);
  late.join();
}

TEST(CompletionQueue, DrainWaitsForEveryOutstandingCompletion) {
  CompletionQueue<int> queue;
  for (int i = 0; i < 3; ++i) queue.Expect();
  queue.Push(1);
  std::thread rest([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    queue.Push(2);
    queue.Push(3);
  });
  queue.Drain();
  rest.join();  // Drain() returned, so both arrived and were taken
  EXPECT_EQ(queue.outstanding(), 0);
}

}  // namespace
}  // namespace baton::zk
