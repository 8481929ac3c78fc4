#include "baton/inspect.h"

#include "archive/backup_reader.h"
#include "baton/storage.h"
#include "operations/backup_check.h"

namespace baton {

BackupSummary Inspect(const std::string& backup_location, const ValidationOptions& options) {
  std::unique_ptr<StorageProvider> storage = OpenStorage(backup_location);
  std::unique_ptr<BackupSource> source = storage->Open();
  archive::BackupReader reader(*source, operations::kMaxEntryBytes);
  BackupSummary summary;
  summary.location = storage->Describe();
  archive::TarEntry entry;
  const layout::Layout* layout = nullptr;
  while (reader.Next(entry)) {
    if (layout == nullptr) layout = &layout::OfEntry(entry.name);
    operations::CheckEntry(*layout, entry, summary, options);
  }
  if (layout == nullptr) layout = &layout::Marathon();  // no entries
  summary.layout = std::string(layout->name());
  operations::CheckWhole(*layout, summary, options);
  summary.format = reader.format();
  if (reader.manifest()) {
    summary.manifest_json = reader.manifest()->ToJson();
    summary.acls_recorded = reader.manifest()->acls;
  }
  summary.archive_bytes = reader.bytes_read();
  return summary;
}

}  // namespace baton
