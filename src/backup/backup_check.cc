#include "backup/backup_check.h"

#include "archive/manifest.h"
#include "baton/error.h"
#include "store/backup_item.h"
#include "store/storage_version.h"
#include "util/printable.h"
#include "zk/acl.h"

namespace baton::backup {

void CheckEntry(const archive::TarEntry& entry, BackupSummary& summary) {
  store::BackupItem item = store::BackupItem::FromEntryName(entry.name);
  if (const std::string* acl = entry.Attribute(archive::kAclAttribute)) {
    try {
      zk::Acl::Parse(*acl);
    } catch (const Error& e) {
      throw Error("backup entry '" + util::Printable(entry.name) +
                  "' has an unreadable ACL: " + e.what());
    }
  }
  summary.bytes += entry.data.size();
  if (item.is_storage_version()) {
    summary.storage_version = store::StorageVersion::Parse(entry.data).ToString();
    return;
  }
  CategorySummary& category = summary.categories[item.category];
  category.bytes += entry.data.size();
  if (item.version) {
    ++category.versions;
    ++summary.versions;
  } else {
    ++category.items;
    ++summary.items;
  }
}

}  // namespace baton::backup
