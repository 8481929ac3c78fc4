#include "baton/diff.h"

#include <unordered_map>

#include "archive/backup_reader.h"
#include "archive/manifest.h"
#include "baton/storage.h"
#include "layout/layout.h"
#include "operations/backup_check.h"
#include "util/digest.h"
#include "zk/wire/read_path.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

void Count(BackupDiff& diff, const layout::EntryKind& kind, char change, const std::string& name,
           size_t max_examples) {
  CategoryDiff& category = diff.categories[kind.category];
  ChangeCounts& counts = kind.version ? category.versions : category.items;
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
  // The backup's layout, from its first entry's name (an empty backup:
  // Marathon's, the default).
  const layout::Layout* held = nullptr;
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
      if (held == nullptr) held = &layout::OfEntry(entry.name);
      operations::CheckEntry(*held, entry, summary);
      const std::string* sha = entry.Attribute(archive::kSha256Attribute);
      backup[entry.name] = sha != nullptr ? *sha : util::Sha256Hex(entry.data);
    }
  }
  const layout::Layout& layout = held != nullptr ? *held : layout::Marathon();
  BackupDiff diff;
  zk::ZkSession session(zk, timeouts);
  const std::string tree = layout.ScopeOf(zk).data;
  if (session.Exists(tree)) {
    layout::Tally tally;
    auto compare = [&](layout::Entry&& entry) {
      auto it = backup.find(entry.name);
      char change = '-';
      if (it != backup.end()) {
        change = it->second == util::Sha256Hex(entry.data) ? '=' : '~';
        backup.erase(it);
      }
      Count(diff, layout.Describe(entry.name), change, entry.name, max_examples);
    };
    zk::wire::WalkReads reads(session, timeouts, zk::wire::SupportsMultiRead(zk, timeouts));
    reads.Sync(tree);
    layout.Read(session, reads.reader(), tree, {}, compare, tally);
  }
  for (const auto& [name, sha] : backup) {
    Count(diff, layout.Describe(name), '+', name, max_examples);
  }
  return diff;
}

}  // namespace baton
