// Trees of baton serve's own store for tests: apps in the field layout of
// storage version 1.0.0 (see src/server/app_definition.h), written with the
// test's own ZooKeeper client, so that migrations have real old data to work on.
#pragma once

#include <string>
#include <vector>

#include "support/test_env.h"

namespace baton::testing {

struct OldApp {
  std::string stored_id;              // e.g. "_legacy"
  std::string bucket;                 // Java's hashCode bucket of stored_id, worked out by hand
  std::vector<std::string> versions;  // version node names, each holding the same JSON
  std::string json;                   // the 1.0.0 layout
};

// The storage version node (1.0.0, wrapped in a ZKStoreEntry) and `apps`.
std::vector<NewNode> AppStoreV1(const std::string& state, const std::vector<OldApp>& apps);

// Two apps in the 1.0.0 layout: /legacy (bucket 8, two versions) and
// /old/api (bucket 3, one version).
std::vector<OldApp> SampleOldApps();

}  // namespace baton::testing
