// ZooKeeper's per-node counters, which a restore that recreates nodes would
// reset: a node's data `version` (the setData calls since its creation;
// services hand out ids from it, as Kafka's /brokers/seqid does) and a
// parent's `cversion` (its children's creations and deletions). Neither can
// be set, only raised by doing that many operations, so they are brought back
// by queuing exactly those operations on a BatchWriter, within a budget.
//
// Measured on the 3.8 server: it counts a parent's child creations, names the
// next sequential child after that count, and reports cversion as
// 2 x creations - children (each child gone was created and deleted). A
// created-and-deleted child adds 1 to the count and 2 to the cversion, so
// raising the reported cversion to the recorded one also brings the next
// sequential name back to what it was.
//
// Thread safety: a CounterBudget belongs to the thread that writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zk/acl.h"
#include "zk/batch_writer.h"

namespace baton::zk {

// The child a parent's cversion is raised with: created and deleted in
// pairs. It starts with a character no restored name is compared against.
inline constexpr char kCounterChild[] = ".baton-counter";

// How many counter operations a restore may spend; past it, nodes keep lower
// counters and are named.
class CounterBudget {
 public:
  explicit CounterBudget(uint64_t max_ops) : max_ops_(max_ops) {}

  // Takes `ops` from the budget; false (and `path` noted) when they do not fit.
  bool Take(uint64_t ops, const std::string& path);

  uint64_t used() const { return used_; }
  uint64_t max_ops() const { return max_ops_; }
  // Nodes whose counters were not brought back, the first kMaxNamed of them.
  const std::vector<std::string>& left_behind() const { return left_behind_; }
  uint64_t left_behind_count() const { return left_behind_count_; }

  static constexpr size_t kMaxNamed = 20;

 private:
  uint64_t max_ops_;
  uint64_t used_ = 0;
  std::vector<std::string> left_behind_;
  uint64_t left_behind_count_ = 0;
};

// Queues the creation of `path` so that it ends with `data` at data version
// `version`: created empty, set empty version-1 times, then set to `data`
// (a node is created at version 0). Without budget for it, the node is
// created with `data` at version 0.
void CreateAtVersion(BatchWriter& writer, CounterBudget& budget, const std::string& path,
                     std::string data, std::shared_ptr<const Acl> acl, int32_t version);

// Queues the update of an existing `path` at data version `current` so that
// it ends with `data` at data version `version` or, when that is not above
// `current`, at `current` + 1 (one set). Without budget, one set.
void SetAtVersion(BatchWriter& writer, CounterBudget& budget, const std::string& path,
                  std::string data, int32_t current, int32_t version);

// Queues what raises the cversion of `parent` by at least `by`: kCounterChild
// created and deleted ceil(by/2) times. Returns whether the budget allowed it.
bool RaiseChildVersion(BatchWriter& writer, CounterBudget& budget, const std::string& parent,
                       int64_t by);

}  // namespace baton::zk
