// Hands results from the ZooKeeper client's completion thread to the thread
// that issued the requests, and counts the requests still outstanding so the
// issuer can bound its window.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

namespace baton::zk {

template <typename T>
class CompletionQueue {
 public:
  // Called by the issuer before it sends a request.
  void Expect() {
    std::lock_guard lock(mu_);
    ++outstanding_;
  }
  // Called by the issuer when sending failed, so no completion will come.
  void Cancel() {
    std::lock_guard lock(mu_);
    --outstanding_;
  }
  // Called from the completion callback.
  void Push(T value) {
    {
      std::lock_guard lock(mu_);
      done_.push_back(std::move(value));
    }
    cv_.notify_one();
  }
  // Blocks until a completion arrives. Only valid while outstanding() > 0.
  T Pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !done_.empty(); });
    T value = std::move(done_.front());
    done_.pop_front();
    --outstanding_;
    return value;
  }
  // Requests sent whose completion has not been popped yet.
  int outstanding() const {
    std::lock_guard lock(mu_);
    return outstanding_;
  }
  // Waits for every outstanding completion and drops them; used when the
  // issuer gives up, since callbacks still reference its state.
  void Drain() {
    while (outstanding() > 0) Pop();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> done_;
  int outstanding_ = 0;
};

}  // namespace baton::zk
