#include "layout/marathon/migration.h"

#include <spdlog/spdlog.h>

#include <tuple>

#include "baton/error.h"
#include "layout/marathon/backup_item.h"

namespace baton::marathon {
namespace {

std::string VersionNode(const std::string& state_root) {
  return state_root + "/" + std::string(kStorageVersionName);
}

}  // namespace

bool operator<(const StorageVersion& a, const StorageVersion& b) {
  return std::tie(a.major, a.minor, a.patch) < std::tie(b.major, b.minor, b.patch);
}

Migration::Migration(StorageVersion minimum, std::vector<MigrationStep> steps)
    : minimum_(minimum), steps_(std::move(steps)) {
  if (steps_.empty()) throw Error("a migration needs at least one step");
}

std::optional<StorageVersion> Migration::Stored(zk::ZkSession& session,
                                                const std::string& state_root) {
  auto data = session.Get(VersionNode(state_root));
  if (!data) return std::nullopt;
  return StorageVersion::Parse(UnwrapStoreEntry(*data));
}

void Migration::Store(zk::ZkSession& session, const std::string& state_root,
                      const StorageVersion& version) {
  session.Put(VersionNode(state_root), WrapStoreEntry(version.Serialize()));
}

MigrationOutcome Migration::Run(zk::ZkSession& session, const std::string& state_root,
                                const std::function<void()>& backup) {
  std::optional<StorageVersion> stored = Stored(session, state_root);
  if (!stored) {
    Store(session, state_root, target());
    spdlog::info("no storage version stored; stored {}", target().ToString());
    return MigrationOutcome::kStoredTarget;
  }
  if (*stored < minimum_) {
    throw Error("the stored storage version " + stored->ToString() + " is older than " +
                minimum_.ToString() +
                ", the oldest this build can migrate; migrate with an older release first");
  }
  if (target() < *stored) {
    throw Error("the stored storage version " + stored->ToString() + " is newer than " +
                target().ToString() +
                ", the newest this build knows; this build is too old for the data");
  }
  if (!(*stored < target())) return MigrationOutcome::kUpToDate;

  std::string marker = state_root + "/" + std::string(kMigrationInProgress);
  if (session.Exists(marker)) {
    throw Error("a previous migration did not finish (" + marker +
                " exists): restore the backup taken before it, or remove the marker after checking "
                "the state");
  }
  session.Put(marker, "");
  spdlog::info("migrating storage from {} to {}", stored->ToString(), target().ToString());
  if (backup) backup();
  for (const MigrationStep& step : steps_) {
    if (!(*stored < step.version)) continue;
    spdlog::info("migration step {}: {}", step.version.ToString(), step.description);
    step.apply(session, state_root);
  }
  Store(session, state_root, target());
  session.Delete(marker);
  return MigrationOutcome::kMigrated;
}

}  // namespace baton::marathon
