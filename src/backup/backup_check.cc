#include "backup/backup_check.h"

#include "store/backup_item.h"
#include "store/storage_version.h"

namespace baton::backup {

void CheckEntry(const archive::TarEntry& entry, BackupSummary& summary) {
  store::BackupItem item = store::BackupItem::FromEntryName(entry.name);
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
