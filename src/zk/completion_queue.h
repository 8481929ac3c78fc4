// Hands results from the ZooKeeper client's completion thread to the thread
// that issued the requests, and counts the requests still outstanding so the
// issuer can bound its window. Everything but Push() is for the issuing
// thread only.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "util/interrupt.h"

namespace baton::zk {

template <typename T>
class CompletionQueue {
 public:
  // Called by the issuer before it sends a request.
  void Expect() { ++outstanding_; }
  // Called by the issuer when sending failed, so no completion will come.
  void Cancel() { --outstanding_; }
  // Called from the completion callback. Wakes the issuer only when it
  // waits: a busy issuer takes what has arrived in bulk, without a syscall.
  void Push(T value) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      arrived_.push_back(std::move(value));
      wake = waiting_;
      waiting_ = false;
    }
    if (wake) cv_.notify_one();
  }
  // Blocks until a completion arrives. Only valid while outstanding() > 0.
  // Throws baton::Error (kInterrupted) on SIGINT/SIGTERM, checked every
  // kInterruptPoll while it waits.
  T Pop() {
    if (taken_.empty()) {
      std::unique_lock lock(mu_);
      while (arrived_.empty()) {
        waiting_ = true;
        if (cv_.wait_for(lock, util::kInterruptPoll) == std::cv_status::timeout) {
          util::ThrowIfInterrupted();
        }
      }
      taken_.swap(arrived_);
    }
    T value = std::move(taken_.front());
    taken_.pop_front();
    --outstanding_;
    return value;
  }
  // Requests sent whose completion has not been popped yet.
  int outstanding() const { return outstanding_; }
  // Waits for every outstanding completion and drops them; used when the
  // issuer gives up, since callbacks still reference its state.
  // Never interrupted: it runs in destructors.
  void Drain() {
    util::UninterruptibleScope keep;
    while (outstanding() > 0) Pop();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> arrived_;  // guarded by mu_
  bool waiting_ = false;   // guarded by mu_
  // The issuer's own: completions taken from arrived_, and the count.
  std::deque<T> taken_;
  int outstanding_ = 0;
};

}  // namespace baton::zk
