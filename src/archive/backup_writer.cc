#include "archive/backup_writer.h"

namespace baton::archive {

BackupWriter::BackupWriter(BackupSink& sink, std::time_t mtime, ArchiveFormat format,
                           Compression compression)
    : format_(format),
      compression_(compression),
      tar_(sink, mtime, format == ArchiveFormat::kBaton ? TarFormat::kPax : TarFormat::kGnu,
           compression) {}

void BackupWriter::Add(const std::string& name, const std::string& data, const std::string& acl,
                       const TarAttributes& more) {
  if (format_ == ArchiveFormat::kMarathon) {
    tar_.Add(name, data);
  } else {
    std::string sha = util::Sha256Hex(data);
    for (std::string_view piece : {std::string_view(name), std::string_view("\n"),
                                   std::string_view(sha), std::string_view("\n")}) {
      chain_.Update(piece);
    }
    TarAttributes attributes{{std::string(kSha256Attribute), sha}};
    if (!acl.empty()) attributes.emplace_back(std::string(kAclAttribute), acl);
    attributes.insert(attributes.end(), more.begin(), more.end());
    tar_.Add(name, data, attributes);
  }
  ++entries_;
  bytes_ += data.size();
}

Manifest BackupWriter::Finish(Manifest manifest) {
  manifest.entries = entries_;
  manifest.bytes = bytes_;
  manifest.compression = std::string(CompressionName(compression_));
  if (format_ == ArchiveFormat::kBaton) {
    manifest.entries_sha256 = chain_.HexDigest();
    tar_.Add(kManifestEntry, manifest.ToJson());
  }
  tar_.Finish();
  return manifest;
}

}  // namespace baton::archive
