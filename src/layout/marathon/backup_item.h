// One entity of Marathon's persistence store, as it travels between
// ZooKeeper and a backup: a current value (an "item") or one stored version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "layout/marathon/timestamp.h"

namespace baton::marathon {

// The category and id Marathon uses for the storage version; its node sits
// directly under the state root and its entry comes last in a backup.
inline constexpr std::string_view kStorageVersionName = "internal:storage:version";
// Marker nodes under the state root that are not entities.
inline constexpr std::string_view kMigrationInProgress = "migration-in-progress";

struct BackupItem {
  std::string category;
  std::string id;
  std::optional<OffsetTimestamp> version;  // empty for the current value
  std::string data;
  // The node's ACL as zk::Acl text; empty for the open ACL, or when not known
  // (Marathon's format does not record ACLs).
  std::string acl = {};

  bool is_storage_version() const {
    return !version && category == kStorageVersionName && id == kStorageVersionName;
  }

  // "<category>/items/<id>" or "<category>/versions/<id>/<OffsetDateTime>".
  std::string EntryName() const;
  // "<state>/<category>/<bucket>/<id>[/<ISO_OFFSET_DATE_TIME>]"; the storage
  // version is "<state>/internal:storage:version".
  std::string NodePath(const std::string& state_root) const;

  // Parses a tar entry name with Marathon's two patterns, and checks that
  // every part is a legal ZooKeeper node name. Throws baton::Error saying why
  // a name is refused. `data` is left empty.
  static BackupItem FromEntryName(std::string_view name);
};

// Identifies an id of a category, as BackupSummary::valued_ids holds it.
uint64_t IdKey(std::string_view category, std::string_view id);

}  // namespace baton::marathon
