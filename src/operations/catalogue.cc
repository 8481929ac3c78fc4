#include "baton/catalogue.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <string>
#include <utility>

#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_location.h"
#include "storage/backup_store.h"
#include "util/digest.h"

namespace baton {
namespace {

constexpr size_t kMaxRecordBytes = 64 << 10;

// What a backup without a record is recognised by: the suffixes of tar
// files Baton and Marathon write.
bool LooksLikeBackup(const std::string& name) {
  for (const char* suffix : {".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

// The names a location template (dir/hourly-{timestamp}.tar.zst) makes: its
// last path segment split at {timestamp}, or {"", ""} (every name) for a
// plain prefix. Other series in the same directory are not the template's.
std::pair<std::string, std::string> TemplateNames(const std::string& prefix) {
  const size_t at = prefix.find(storage::kTimePlaceholder);
  if (at == std::string::npos) return {};
  const size_t start = prefix.rfind('/', at) + 1;
  const size_t after = at + storage::kTimePlaceholder.size();
  const size_t end = std::min(prefix.find_first_of("?#", at), prefix.size());
  return {prefix.substr(start, at - start), prefix.substr(after, end - after)};
}

// Reads the object whole and compares its SHA-256 with the record's.
std::string Verify(const CatalogueEntry& entry) {
  std::unique_ptr<BackupSource> source = OpenStorage(entry.location)->Open();
  util::Sha256 hash;
  uint64_t bytes = 0;
  std::string buffer(1 << 20, '\0');
  while (size_t n = source->Read(buffer.data(), buffer.size())) {
    hash.Update(std::string_view(buffer.data(), n));
    bytes += n;
  }
  if (bytes != entry.record->archive_bytes) return "its size differs from its record";
  if (hash.HexDigest() != entry.record->archive_sha256)
    return "its checksum differs from its record";
  return "";
}

}  // namespace

std::vector<CatalogueEntry> ListBackups(const std::string& prefix, bool verify) {
  std::unique_ptr<storage::BackupStore> store = storage::OpenStore(prefix);
  std::map<std::string, uint64_t> objects;
  for (storage::StoredObject& object : store->List()) objects[object.name] = object.size;
  std::vector<CatalogueEntry> entries;
  const auto [head, tail] = TemplateNames(prefix);
  for (const auto& [name, size] : objects) {
    if (name.ends_with(kCatalogueSuffix)) continue;
    if (!name.starts_with(head) || !name.ends_with(tail)) continue;
    const bool recorded = objects.count(name + kCatalogueSuffix) > 0;
    if (!recorded && !LooksLikeBackup(name)) continue;  // not Baton's to list
    CatalogueEntry entry;
    entry.name = name;
    entry.location = store->LocationOf(name);
    entry.size = size;
    if (recorded) {
      try {
        entry.record =
            CatalogueRecord::FromJson(store->Read(name + kCatalogueSuffix, kMaxRecordBytes));
      } catch (const Error&) {  // too large, or deleted since the listing
        entry.record.reset();
      }
      if (entry.record && entry.record->backup != name) entry.record.reset();
      if (!entry.record && !LooksLikeBackup(name)) continue;  // a foreign pair
      if (!entry.record) entry.problem = "its record is not one Baton wrote";
    }
    if (entry.record) {
      entry.time = ParseUtcText(entry.record->created);
      if (entry.record->archive_bytes != size) entry.problem = "its size differs from its record";
    }
    if (!entry.time) entry.time = TimeInName(name);
    if (verify && entry.valid()) {
      entry.problem = Verify(entry);
      entry.verified = entry.problem.empty();
    }
    entries.push_back(std::move(entry));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.time != b.time) return a.time > b.time;  // an unknown time sorts last
    return a.name > b.name;
  });
  return entries;
}

CatalogueEntry LatestBackup(const std::string& prefix, const std::string& zk_path,
                            const std::string& layout) {
  std::vector<CatalogueEntry> entries = ListBackups(prefix);
  size_t others = 0;
  for (CatalogueEntry& entry : entries) {
    if (!entry.valid()) continue;
    if ((!zk_path.empty() && entry.record->zk_path != zk_path) ||
        (!layout.empty() && entry.record->layout != layout)) {
      ++others;  // another source's
      continue;
    }
    return std::move(entry);
  }
  std::string of = zk_path.empty() ? "" : " of " + zk_path;
  if (!layout.empty()) of += " (layout " + layout + ")";
  throw Error("no valid backup" + of + " under " + storage::OpenStore(prefix)->Describe() + " (" +
                  std::to_string(entries.size()) + " backups there, " + std::to_string(others) +
                  " valid ones of other sources; a valid one has a record Baton wrote beside it, "
                  "NAME" +
                  kCatalogueSuffix +
                  ", that it matches): name one with "
                  "--backup_location",
              ErrorKind::kFailed);
}

}  // namespace baton
