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
  while (reader.Next(entry)) operations::CheckEntry(layout::Marathon(), entry, summary, options);
  operations::CheckWhole(summary, options);
  summary.format = reader.format();
  if (reader.manifest()) {
    summary.manifest_json = reader.manifest()->ToJson();
    summary.acls_recorded = reader.manifest()->acls;
  }
  summary.archive_bytes = reader.bytes_read();
  return summary;
}

}  // namespace baton
