// DiffBackup: what a restore of a backup would change in the live state,
// per category: items and versions it would add, remove or change. Reads the
// backup and the tree; writes nothing. Memory grows with the number of
// entries in the backup (their names and digests).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "baton/zk_url.h"

namespace baton {

struct ChangeCounts {
  uint64_t added = 0;    // in the backup only: a restore creates it
  uint64_t removed = 0;  // in ZooKeeper only: a restore deletes it
  uint64_t changed = 0;  // in both, with other data
  uint64_t same = 0;
};

struct CategoryDiff {
  ChangeCounts items, versions;
  // The first few entry names of each change, prefixed "+ ", "- " or "~ ".
  std::vector<std::string> examples;
};

struct BackupDiff {
  std::map<std::string, CategoryDiff> categories;
  bool identical() const;
};

// Entry names listed per category (CategoryDiff::examples) by default.
inline constexpr size_t kDiffExamples = 10;

// Throws baton::Error when the backup is not valid or the tree cannot be read.
BackupDiff DiffBackup(const std::string& backup_location, const ZkUrl& zk,
                      const ZkTimeouts& timeouts, size_t max_examples = kDiffExamples);

}  // namespace baton
