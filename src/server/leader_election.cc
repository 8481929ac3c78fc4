#include "server/leader_election.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <vector>

#include "baton/error.h"
#include "zk/sequence.h"
#include "zk/watch.h"

namespace baton::server {
namespace {

constexpr char kLatch[] = "-latch-";

// The candidates' nodes among `children`, lowest sequence (the leader) first.
std::vector<std::string> SortedLatches(const std::optional<std::vector<std::string>>& children) {
  std::vector<std::string> latches;
  for (const auto& name : children.value_or(std::vector<std::string>{})) {
    if (name.find(kLatch) != std::string::npos) latches.push_back(name);
  }
  zk::SortBySequence(latches);
  return latches;
}

std::string RandomId() {
  std::mt19937_64 random(std::random_device{}());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return buf;
}

}  // namespace

LeaderElection::LeaderElection(zk::ZkSession& session, std::string election_path,
                               std::string participant)
    : session_(session), path_(std::move(election_path)), participant_(std::move(participant)) {
  session_.EnsureContainers(path_);
  worker_ = std::thread([this] { Run(); });
}

LeaderElection::~LeaderElection() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
  // A watch still registered would call back into a destroyed object.
  if (!watched_.empty()) zk::RemoveWatch(session_, watched_, &LeaderElection::OnWatch, this);
  try {
    Leave();
  } catch (const std::exception& e) {
    spdlog::warn("leaving the election at {}: {}", path_, e.what());
  }
}

void LeaderElection::Join() {
  const std::string full = zk::CreateEphemeralSequential(
      session_, path_, "_c_" + RandomId() + kLatch, participant_, "join the election at");
  {
    std::lock_guard lock(mu_);
    node_ = full.substr(full.rfind('/') + 1);
    recheck_ = true;
  }
  cv_.notify_all();
}

void LeaderElection::Leave() {
  std::string node;
  {
    std::lock_guard lock(mu_);
    node.swap(node_);
  }
  leader_ = false;
  if (!node.empty()) session_.Delete(path_ + "/" + node);
}

bool LeaderElection::WaitForLeadership(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return leader_.load(); });
}

std::optional<std::string> LeaderElection::Leader() {
  for (const std::string& name : SortedLatches(session_.Children(path_))) {
    if (auto data = session_.Get(path_ + "/" + name)) return data;  // the lowest that still exists
  }
  return std::nullopt;
}

std::string LeaderElection::NodePath() {
  std::lock_guard lock(mu_);
  return node_.empty() ? std::string() : path_ + "/" + node_;
}

void LeaderElection::OnWatch(zhandle_t* /*zh*/, int type, int /*state*/, const char* /*path*/,
                             void* context) {
  if (type == ZOO_SESSION_EVENT) return;
  auto* self = static_cast<LeaderElection*>(context);
  {
    std::lock_guard lock(self->mu_);
    self->recheck_ = true;
  }
  self->cv_.notify_all();
}

void LeaderElection::Run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return recheck_ || stopping_; });
      if (stopping_) return;
      recheck_ = false;
    }
    try {
      Check();
    } catch (const std::exception& e) {
      spdlog::error("leader election at {}: {}", path_, e.what());
    }
  }
}

void LeaderElection::Check() {
  std::string node;
  {
    std::lock_guard lock(mu_);
    node = node_;
  }
  if (node.empty()) return;
  std::vector<std::string> latches = SortedLatches(session_.Children(path_));
  auto me = std::find(latches.begin(), latches.end(), node);
  if (me == latches.end()) {
    // Our node is gone (session expiry or removed by an operator).
    leader_ = false;
    spdlog::warn("election node {}/{} disappeared; not a candidate any more", path_, node);
    return;
  }
  if (me == latches.begin()) {
    {
      std::lock_guard lock(mu_);
      if (node_ != node) return;  // left meanwhile
      if (!leader_.exchange(true)) spdlog::info("elected leader at {} as {}", path_, participant_);
    }
    cv_.notify_all();
    return;
  }
  leader_ = false;
  // Watch only the predecessor; if it vanished meanwhile, look again.
  std::string predecessor = path_ + "/" + *(me - 1);
  if (!watched_.empty() && watched_ != predecessor) {
    zk::RemoveWatch(session_, watched_, &LeaderElection::OnWatch, this);
  }
  watched_ = predecessor;
  if (!zk::WatchExists(session_, predecessor, &LeaderElection::OnWatch, this)) {
    std::lock_guard lock(mu_);
    recheck_ = true;
  }
}

}  // namespace baton::server
