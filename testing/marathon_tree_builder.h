// Synthetic trees in Marathon's layout, shared by the tests
// (tests/support/marathon_tree.h) and the benchmark (bench/bench_tree.h):
// <state>/<category>/<bucket>/<id>[/<version>], parents first. Knows the
// layout only; what values the nodes carry is the caller's choice.
//
// Thread safety: none; one builder per thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace baton::testing {

// A node to create. Its value is `data`, or, for the benchmark's large trees,
// `size` bytes the caller generates from `seed` when it writes the node.
struct TreeNode {
  std::string path = {};
  std::string data = {};
  uint32_t size = 0;
  uint32_t seed = 0;
  bool container = false;     // created as a CONTAINER node
  bool has_children = false;  // containers and ids with versions
};

class MarathonTreeBuilder {
 public:
  explicit MarathonTreeBuilder(std::string state_root) : root_(std::move(state_root)) {}

  // The category's container and all 16 bucket containers, empty ones too
  // (as a Marathon that has run a while has them).
  void AllBuckets(const std::string& category);
  // Adds `node` as the current value of `id`, after its category and bucket
  // containers if they are new.
  void Item(const std::string& category, const std::string& id, TreeNode node);
  // Adds `node` as a version of `id`. Versions follow their id: an id not
  // added just before gets an empty container node first (a deleted app
  // whose old versions remain).
  void Version(const std::string& category, const std::string& id, const std::string& version,
               TreeNode node);
  // Adds `node` at `path` as it is, e.g. the storage version node.
  void Raw(const std::string& path, TreeNode node);

  std::vector<TreeNode>& nodes() { return nodes_; }

 private:
  std::string IdPath(const std::string& category, const std::string& id);
  void Add(const std::string& path, TreeNode node);
  void AddContainer(const std::string& path);

  std::string root_;
  std::set<std::string> containers_;  // categories and buckets added
  std::string last_id_;               // the id path added last
  std::vector<TreeNode> nodes_;
};

}  // namespace baton::testing
