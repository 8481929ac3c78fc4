// The tree the benchmark works on: Marathon's layout (categories, 16 hash
// buckets each, ids, version children) with about the requested number of
// nodes. Apps carry 1-4 KB values and nine versions each, instances 100 B -
// 1 KB, and the root group six versions near 1 MB. Values are generated on
// demand from a seed, so a million-node tree costs the harness little memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testing/marathon_tree_builder.h"

namespace baton::bench {

// path, size and seed of its value, container, has_children.
using BenchNode = testing::TreeNode;

class BenchTree {
 public:
  BenchTree(const std::string& state_root, uint64_t target_nodes);

  // Parents before children.
  const std::vector<BenchNode>& nodes() const { return nodes_; }
  uint64_t value_bytes() const { return value_bytes_; }
  // The node's value: JSON-like text, compressible about as much as
  // Marathon's app definitions are.
  static std::string Value(const BenchNode& node);

 private:
  std::vector<BenchNode> nodes_;
  uint64_t value_bytes_ = 0;
};

}  // namespace baton::bench
