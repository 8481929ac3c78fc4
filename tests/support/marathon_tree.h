// Builds Marathon-layout trees for tests: categories, hash buckets, items,
// versions, the storage version node, and the awkward cases (unicode and
// 200-byte ids, empty values, a current value left empty while versions
// remain, values near 1 MB).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "support/test_env.h"

namespace baton::testing {

struct TreeShape {
  int apps = 20;
  int versions_per_app = 3;
  int instances = 20;
  int big_values = 1;   // values of ~1000 KB
  bool awkward = true;  // unicode and long ids, empty data, version-only ids
  bool storage_version = true;
};

// Nodes (absolute paths, parents first) for a tree under `state_root`.
std::vector<NewNode> MarathonTree(const std::string& state_root, const TreeShape& shape);

// ZKStoreEntry-wrapped StorageVersion for the storage version node.
std::string WrappedStorageVersion(unsigned major, unsigned minor, unsigned patch);
// The StorageVersion inside a wrapped one.
std::string UnwrappedStorageVersion(const std::string& node_data);
// The storage version node gets a fresh UUID on every restore (as Marathon's
// restore does): a snapshot with what it wraps instead, for comparisons.
Snapshot Comparable(Snapshot snapshot);

}  // namespace baton::testing
