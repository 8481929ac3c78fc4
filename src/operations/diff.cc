#include "baton/diff.h"

#include <unordered_map>

#include "archive/backup_reader.h"
#include "archive/manifest.h"
#include "baton/storage.h"
#include "layout/marathon/backup_item.h"
#include "layout/marathon/tree_reader.h"
#include "operations/backup_check.h"
#include "util/digest.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

void Count(BackupDiff& diff, const marathon::BackupItem& item, char change, const std::string& name,
           size_t max_examples) {
  CategoryDiff& category = diff.categories[item.category];
  ChangeCounts& counts = item.version ? category.versions : category.items;
  switch (change) {
    case '+':
      ++counts.added;
      break;
    case '-':
      ++counts.removed;
      break;
    case '~':
      ++counts.changed;
      break;
    default:
      ++counts.same;
      return;
  }
  if (category.examples.size() < max_examples) {
    category.examples.push_back(std::string(1, change) + " " + name);
  }
}

}  // namespace

bool BackupDiff::identical() const {
  for (const auto& [name, c] : categories) {
    for (const ChangeCounts* counts : {&c.items, &c.versions}) {
      if (counts->added + counts->removed + counts->changed > 0) return false;
    }
  }
  return true;
}

BackupDiff DiffBackup(const std::string& backup_location, const ZkUrl& zk,
                      const ZkTimeouts& timeouts, size_t max_examples) {
  // The backup's entries: name -> SHA-256 of the data, checked as a restore
  // would check them.
  std::unordered_map<std::string, std::string> backup;
  {
    std::unique_ptr<StorageProvider> storage = OpenStorage(backup_location);
    std::unique_ptr<BackupSource> source = storage->Open();
    archive::BackupReader reader(*source, operations::kMaxEntryBytes);
    BackupSummary summary;
    archive::TarEntry entry;
    while (reader.Next(entry)) {
      operations::CheckEntry(entry, summary);
      const std::string* sha = entry.Attribute(archive::kSha256Attribute);
      backup[entry.name] = sha != nullptr ? *sha : util::Sha256Hex(entry.data);
    }
  }
  BackupDiff diff;
  zk::ZkSession session(zk, timeouts);
  marathon::TreeReader reader(session, 2000, 64 << 20);
  if (session.Exists(zk.state_path())) {
    reader.Read(zk.state_path(), [&](marathon::BackupItem&& item) {
      std::string name = item.EntryName();
      auto it = backup.find(name);
      char change = '-';
      if (it != backup.end()) {
        change = it->second == util::Sha256Hex(item.data) ? '=' : '~';
        backup.erase(it);
      }
      Count(diff, item, change, name, max_examples);
    });
  }
  for (const auto& [name, sha] : backup) {
    Count(diff, marathon::BackupItem::FromEntryName(name), '+', name, max_examples);
  }
  return diff;
}

}  // namespace baton
