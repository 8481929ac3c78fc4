#include "server/term.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "operations/ownership.h"
#include "zk/watch.h"

namespace baton::server {

Term::Term(zk::ZkSession& session, LeaderElection& election, std::string me,
           const std::atomic<bool>& stopping)
    : session_(session), election_(election), me_(std::move(me)), stopping_(stopping) {}

std::optional<std::string> Term::fence() const {
  std::lock_guard lock(mu_);
  return fence_.empty() ? std::nullopt : std::optional(fence_);
}

bool Term::Own() {
  lock_ = zk::ExclusiveLock::Acquire(
      session_, operations::LockDir(session_.url().path), "baton serve leader " + me_,
      [this] {
        return !stopping_ && !zk::SessionEnded(session_) &&
               election_.WaitForLeadership(std::chrono::milliseconds(0));
      },
      [](const zk::LockOwner& holder) {
        spdlog::warn("waiting for {} to finish before serving as leader (503 until then)",
                     holder.Describe());
      });
  return lock_ != nullptr;
}

operations::Owner Term::owner() const {
  return operations::Owner{.session = session_, .lock = *lock_, .resumable = false};
}

void Term::Serve() {
  std::lock_guard lock(mu_);
  fence_ = lock_->fence();
}

void Term::End() {
  {
    std::lock_guard lock(mu_);
    fence_.clear();
  }
  lock_.reset();
}

bool Term::ClaimHandover() {
  int idle = kIdle;
  return handover_.compare_exchange_strong(idle, kClaimed);
}

void Term::SettleHandover(bool stored) { handover_ = stored ? kStored : kIdle; }

void Term::Abdicate(std::chrono::milliseconds delay) {
  std::this_thread::sleep_for(delay);
  End();
  election_.Leave();
  handover_ = kIdle;  // the next term's: requests of this one now fail their fence check
  spdlog::info("abdicated; rejoining the election");
  election_.Join();
}

void Term::StepAside() {
  election_.Leave();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  election_.Join();
}

}  // namespace baton::server
