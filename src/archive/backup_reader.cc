#include "archive/backup_reader.h"

#include "baton/error.h"
#include "util/printable.h"

namespace baton::archive {

BackupReader::BackupReader(BackupSource& source, uint64_t max_entry_bytes)
    : tar_(source, max_entry_bytes) {}

bool BackupReader::Next(TarEntry& entry) {
  if (!tar_.Next(entry)) {
    if (checksummed_ > 0) {
      throw Error("the backup has no manifest, so it is incomplete (Baton writes it last)",
                  ErrorKind::kCorruptBackup);
    }
    return false;
  }
  if (entry.name == kManifestEntry) {
    CheckManifest(entry.data);
    if (tar_.Next(entry)) {
      throw Error(
          "the backup has entries after its manifest ('" + util::Printable(entry.name) + "')",
          ErrorKind::kCorruptBackup);
    }
    return false;
  }
  const std::string* expected = entry.Attribute(kSha256Attribute);
  if (expected == nullptr && checksummed_ > 0) {
    throw Error("backup entry '" + util::Printable(entry.name) +
                    "' has no checksum, unlike the entries before it",
                ErrorKind::kCorruptBackup);
  }
  if (expected != nullptr) {
    if (checksummed_ != entries_) {
      throw Error("backup entry '" + util::Printable(entry.name) +
                      "' has a checksum, unlike the entries before it",
                  ErrorKind::kCorruptBackup);
    }
    std::string actual = util::Sha256Hex(entry.data);
    if (actual != *expected) {
      throw Error("backup entry '" + util::Printable(entry.name) + "' is corrupt: its SHA-256 is " +
                      actual + ", the backup recorded " + *expected,
                  ErrorKind::kCorruptBackup);
    }
    chain_.Update(entry.name + "\n" + actual + "\n");
    ++checksummed_;
  }
  ++entries_;
  bytes_ += entry.data.size();
  return true;
}

void BackupReader::CheckManifest(const std::string& json) {
  Manifest manifest = Manifest::FromJson(json);
  std::string digest = chain_.HexDigest();
  if (checksummed_ != entries_) {
    throw Error("the backup has a manifest but entries without checksums",
                ErrorKind::kCorruptBackup);
  }
  if (manifest.entries != entries_ || manifest.bytes != bytes_) {
    throw Error("the backup holds " + std::to_string(entries_) + " entries and " +
                    std::to_string(bytes_) + " bytes, its manifest says " +
                    std::to_string(manifest.entries) + " and " + std::to_string(manifest.bytes),
                ErrorKind::kCorruptBackup);
  }
  if (manifest.entries_sha256 != digest) {
    throw Error(
        "the backup's entries do not match its manifest's digest (entries were changed, "
        "added, removed or reordered)",
        ErrorKind::kCorruptBackup);
  }
  manifest_ = std::move(manifest);
}

}  // namespace baton::archive
