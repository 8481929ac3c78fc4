#include "archive/backup_writer.h"

#include "layout/marathon/storage_version.h"

namespace baton::archive {

BackupWriter::BackupWriter(BackupSink& sink, std::time_t mtime, ArchiveFormat format,
                           Compression compression)
    : format_(format),
      compression_(compression),
      tar_(sink, mtime, format == ArchiveFormat::kBaton ? TarFormat::kPax : TarFormat::kGnu,
           compression) {}

void BackupWriter::Add(const marathon::BackupItem& item) {
  const std::string name = item.EntryName();
  if (format_ == ArchiveFormat::kMarathon) {
    tar_.Add(name, item.data);
  } else {
    std::string sha = util::Sha256Hex(item.data);
    chain_.Update(name + "\n" + sha + "\n");
    TarAttributes attributes{{std::string(kSha256Attribute), sha}};
    if (!item.acl.empty()) attributes.emplace_back(std::string(kAclAttribute), item.acl);
    tar_.Add(name, item.data, attributes);
  }
  ++counts_.entries;
  counts_.bytes += item.data.size();
  if (item.is_storage_version()) {
    counts_.storage_version = marathon::StorageVersion::Parse(item.data).ToString();
  } else if (item.version) {
    ++counts_.versions;
  } else {
    ++counts_.items;
  }
}

Manifest BackupWriter::Finish(Manifest manifest) {
  manifest.entries = counts_.entries;
  manifest.items = counts_.items;
  manifest.versions = counts_.versions;
  manifest.bytes = counts_.bytes;
  manifest.storage_version = counts_.storage_version;
  manifest.compression = std::string(CompressionName(compression_));
  if (format_ == ArchiveFormat::kBaton) {
    manifest.entries_sha256 = chain_.HexDigest();
    tar_.Add(kManifestEntry, manifest.ToJson());
  }
  tar_.Finish();
  return manifest;
}

}  // namespace baton::archive
