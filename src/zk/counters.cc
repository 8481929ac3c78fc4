#include "zk/counters.h"

#include <algorithm>

namespace baton::zk {

bool CounterBudget::Take(uint64_t ops, const std::string& path) {
  if (ops <= max_ops_ - std::min(used_, max_ops_)) {
    used_ += ops;
    return true;
  }
  if (left_behind_.size() < kMaxNamed) left_behind_.push_back(path);
  ++left_behind_count_;
  return false;
}

void CreateAtVersion(BatchWriter& writer, CounterBudget& budget, const std::string& path,
                     std::string data, std::shared_ptr<const Acl> acl, int32_t version) {
  if (version <= 0 || !budget.Take(static_cast<uint64_t>(version), path)) {
    writer.Create(path, std::move(data), std::move(acl));
    return;
  }
  // The intermediate versions carry no data: a 500 KB node at version 100
  // costs 100 small requests, not 50 MB.
  writer.Create(path, "", std::move(acl));
  for (int32_t v = 1; v < version; ++v) writer.Set(path, "");
  writer.Set(path, std::move(data));
}

void SetAtVersion(BatchWriter& writer, CounterBudget& budget, const std::string& path,
                  std::string data, int32_t current, int32_t version) {
  const int64_t extra = int64_t{version} - current - 1;
  if (extra > 0 && budget.Take(static_cast<uint64_t>(extra), path)) {
    for (int64_t i = 0; i < extra; ++i) writer.Set(path, "");
  }
  writer.Set(path, std::move(data));
}

bool RaiseChildVersion(BatchWriter& writer, CounterBudget& budget, const std::string& parent,
                       int64_t by) {
  if (by <= 0) return true;
  const uint64_t pairs = (static_cast<uint64_t>(by) + 1) / 2;
  if (!budget.Take(2 * pairs, parent)) return false;
  const std::string child =
      parent == "/" ? std::string("/") + kCounterChild : parent + "/" + kCounterChild;
  for (uint64_t i = 0; i < pairs; ++i) {
    writer.Create(child, "");
    writer.Delete(child);
  }
  return true;
}

}  // namespace baton::zk
