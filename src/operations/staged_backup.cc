#include "operations/staged_backup.h"

#include "baton/error.h"

namespace baton::operations {
namespace {

// Passes reads through and appends them to a local copy.
class TeeSource : public BackupSource {
 public:
  TeeSource(BackupSource& source, std::FILE* copy) : source_(source), copy_(copy) {}
  size_t Read(void* buffer, size_t size) override {
    size_t n = source_.Read(buffer, size);
    if (n > 0 && std::fwrite(buffer, 1, n, copy_) != n) {
      throw Error("cannot stage the backup to a local temporary file");
    }
    return n;
  }

 private:
  BackupSource& source_;
  std::FILE* copy_;
};

class CopySource : public BackupSource {
 public:
  explicit CopySource(std::FILE* copy) : copy_(copy) { std::rewind(copy_); }
  size_t Read(void* buffer, size_t size) override {
    size_t n = std::fread(buffer, 1, size, copy_);
    if (n == 0 && std::ferror(copy_)) throw Error("cannot read the staged backup copy");
    return n;
  }

 private:
  std::FILE* copy_;
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

StagedBackup::~StagedBackup() {
  if (copy_ != nullptr) std::fclose(copy_);
}

std::optional<archive::Manifest> StagedBackup::Validate(
    const std::function<void(archive::TarEntry&)>& check) {
  std::unique_ptr<BackupSource> tee;
  BackupSource* input = source_.get();
  if (!source_->Rewind()) {
    copy_ = std::tmpfile();
    if (copy_ == nullptr) throw Error("cannot create a local temporary file to stage the backup");
    tee = std::make_unique<TeeSource>(*source_, copy_);
    input = tee.get();
  }
  archive::BackupReader reader(*input, max_entry_bytes_);
  archive::TarEntry entry;
  while (reader.Next(entry)) check(entry);
  // Read to the very end, so a copy holds every byte.
  char rest[4096];
  while (input->Read(rest, sizeof rest) > 0) {
  }
  if (copy_ != nullptr && std::fflush(copy_) != 0) {
    throw Error("cannot stage the backup to a local temporary file");
  }
  return reader.manifest();
}

std::unique_ptr<BackupSource> StagedBackup::Reopen() {
  if (copy_ != nullptr) return std::make_unique<CopySource>(copy_);
  if (!source_->Rewind()) throw Error("cannot read the backup a second time");
  return std::make_unique<RewoundSource>(*source_);
}

}  // namespace baton::operations
