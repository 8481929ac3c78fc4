// Storage migration, with Marathon's rules (Migration.scala): compare the
// stored storage version with the target (the highest step) and
//   - none stored: store the target;
//   - older than the minimum supported, or newer than the target: refuse;
//   - older: mark <state>/migration-in-progress, back up (when asked), apply
//     each step above the stored version in order, store the target, unmark.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "layout/marathon/storage_version.h"
#include "zk/zk_session.h"

namespace baton::marathon {

struct MigrationStep {
  StorageVersion version;  // the version the store has once this step ran
  std::string description;
  std::function<void(zk::ZkSession&, const std::string& state_root)> apply;
};

enum class MigrationOutcome { kStoredTarget, kUpToDate, kMigrated };

class Migration {
 public:
  // `steps` in ascending version order; the last one's version is the target.
  Migration(StorageVersion minimum, std::vector<MigrationStep> steps);

  const StorageVersion& target() const { return steps_.back().version; }

  // `backup` runs after the marker is set and before the first step, only
  // when there is something to migrate. Throws baton::Error when the stored
  // version is refused or a step fails; a failed migration leaves the marker
  // and the old storage version in place.
  MigrationOutcome Run(zk::ZkSession& session, const std::string& state_root,
                       const std::function<void()>& backup = {});

  // The stored version, if any.
  static std::optional<StorageVersion> Stored(zk::ZkSession& session,
                                              const std::string& state_root);
  static void Store(zk::ZkSession& session, const std::string& state_root,
                    const StorageVersion& version);

 private:
  StorageVersion minimum_;
  std::vector<MigrationStep> steps_;
};

bool operator<(const StorageVersion& a, const StorageVersion& b);

}  // namespace baton::marathon
