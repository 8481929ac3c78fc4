#include "operations/staged_backup.h"

#include "baton/error.h"

namespace baton::operations {
namespace {

// Passes reads through and appends them to a local copy.
class TeeSource : public BackupSource {
 public:
  TeeSource(BackupSource& source, util::TempFile& copy) : source_(source), copy_(copy) {}
  size_t Read(void* buffer, size_t size) override {
    size_t n = source_.Read(buffer, size);
    copy_.Write(buffer, n);
    return n;
  }

 private:
  BackupSource& source_;
  util::TempFile& copy_;
};

class CopySource : public BackupSource {
 public:
  explicit CopySource(util::TempFile& copy) : copy_(copy) { copy_.Rewind(); }
  size_t Read(void* buffer, size_t size) override { return copy_.Read(buffer, size); }

 private:
  util::TempFile& copy_;
};

// Borrows the provider's source for the second pass.
class RewoundSource : public BackupSource {
 public:
  explicit RewoundSource(BackupSource& source) : source_(source) {}
  size_t Read(void* buffer, size_t size) override { return source_.Read(buffer, size); }

 private:
  BackupSource& source_;
};

}  // namespace

StagedBackup::StagedBackup(StorageProvider& storage, uint64_t max_entry_bytes)
    : source_(storage.Open()), max_entry_bytes_(max_entry_bytes) {}

std::optional<archive::Manifest> StagedBackup::Validate(
    const std::function<void(archive::TarEntry&)>& check) {
  std::unique_ptr<BackupSource> tee;
  BackupSource* input = source_.get();
  if (!source_->Rewind()) {
    copy_ = std::make_unique<util::TempFile>();
    tee = std::make_unique<TeeSource>(*source_, *copy_);
    input = tee.get();
  }
  archive::BackupReader reader(*input, max_entry_bytes_);
  archive::TarEntry entry;
  while (reader.Next(entry)) check(entry);
  // Read to the very end, so a copy holds every byte.
  char rest[4096];
  while (input->Read(rest, sizeof rest) > 0) {
  }
  return reader.manifest();
}

std::unique_ptr<BackupSource> StagedBackup::Reopen() {
  if (copy_ != nullptr) return std::make_unique<CopySource>(*copy_);
  if (!source_->Rewind()) throw Error("cannot read the backup a second time");
  return std::make_unique<RewoundSource>(*source_);
}

}  // namespace baton::operations
