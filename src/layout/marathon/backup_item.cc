#include "layout/marathon/backup_item.h"

#include <functional>

#include "baton/error.h"
#include "layout/marathon/bucket.h"
#include "util/printable.h"
#include "zk/node_name.h"

namespace baton::marathon {
namespace {

constexpr std::string_view kItems = "/items/";
constexpr std::string_view kVersions = "/versions/";

void Refuse(std::string_view name, const std::string& why) {
  throw Error("backup entry '" + util::Printable(name) + "' is not a Marathon entity: " + why,
              ErrorKind::kCorruptBackup);
}

}  // namespace

std::string BackupItem::EntryName() const {
  if (!version) return category + std::string(kItems) + id;
  return category + std::string(kVersions) + id + "/" + version->ToString();
}

std::string BackupItem::NodePath(const std::string& state_root) const {
  if (is_storage_version()) return state_root + "/" + std::string(kStorageVersionName);
  std::string path = state_root + "/" + category + "/" + BucketOf(id) + "/" + id;
  // GCC 12 at -O3 warns (-Wrestrict, falsely) on "literal" + std::string&&.
  if (version) path.append("/").append(version->NodeName());
  return path;
}

BackupItem BackupItem::FromEntryName(std::string_view name) {
  BackupItem item;
  size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    Refuse(name, "expected <category>/items/<id> or <category>/versions/<id>/<timestamp>");
  }
  item.category = std::string(name.substr(0, slash));
  std::string_view rest = name.substr(slash);
  if (rest.starts_with(kItems) && rest.size() > kItems.size()) {
    item.id = std::string(rest.substr(kItems.size()));
  } else if (rest.starts_with(kVersions)) {
    rest.remove_prefix(kVersions.size());
    size_t last = rest.rfind('/');
    if (last == std::string_view::npos || last == 0 || last + 1 == rest.size()) {
      Refuse(name, "expected <category>/versions/<id>/<timestamp>");
    }
    item.id = std::string(rest.substr(0, last));
    std::string_view stamp = rest.substr(last + 1);
    item.version = OffsetTimestamp::Parse(stamp);
    if (!item.version)
      Refuse(name, "'" + std::string(stamp) + "' is not an ISO-8601 offset date-time");
  } else {
    Refuse(name, "expected <category>/items/<id> or <category>/versions/<id>/<timestamp>");
  }
  if (!zk::IsValidNodeName(item.category)) Refuse(name, "the category is not a legal node name");
  if (!zk::IsValidNodeName(item.id)) Refuse(name, "the id is not a legal node name");
  if (item.version && item.category == kStorageVersionName) {
    Refuse(name, "the storage version has no versions");
  }
  return item;
}

uint64_t IdKey(std::string_view category, std::string_view id) {
  std::string key;
  key.reserve(category.size() + 1 + id.size());
  key.append(category).append("/").append(id);
  return std::hash<std::string>{}(key);
}

}  // namespace baton::marathon
