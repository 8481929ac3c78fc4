#include "storage/spool_storage.h"

#include "baton/error.h"

namespace baton::storage {
namespace {

class SpoolSink : public BackupSink {
 public:
  SpoolSink(const std::string& dir, std::shared_ptr<util::TempFile>& committed)
      : file_(std::make_shared<util::TempFile>(dir)), committed_(committed) {}
  void Write(const void* data, size_t size) override { file_->Write(data, size); }
  void Commit() override { committed_ = std::move(file_); }

 private:
  std::shared_ptr<util::TempFile> file_;
  std::shared_ptr<util::TempFile>& committed_;
};

class SpoolSource : public BackupSource {
 public:
  explicit SpoolSource(std::shared_ptr<util::TempFile> file) : file_(std::move(file)) {
    file_->Rewind();
  }
  size_t Read(void* buffer, size_t size) override { return file_->Read(buffer, size); }
  bool Rewind() override {
    file_->Rewind();
    return true;
  }

 private:
  std::shared_ptr<util::TempFile> file_;
};

}  // namespace

std::unique_ptr<BackupSink> SpoolStorage::Create() {
  return std::make_unique<SpoolSink>(dir_, spooled_);
}

std::unique_ptr<BackupSource> SpoolStorage::Open() {
  if (!spooled_) throw Error("nothing was spooled to " + Describe());
  return std::make_unique<SpoolSource>(spooled_);
}

}  // namespace baton::storage
