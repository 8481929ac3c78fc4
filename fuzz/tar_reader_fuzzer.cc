// Feeds arbitrary bytes to the backup reader as a restore's validation pass
// does: tar structure, compression, checksums, manifest, entry names, ACLs
// and the storage version. Anything but baton::Error (a crash, a hang, a
// sanitizer report, unbounded memory) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "archive/backup_reader.h"
#include "baton/error.h"
#include "operations/backup_check.h"

namespace {

class BytesSource : public baton::BackupSource {
 public:
  BytesSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t Read(void* buffer, size_t capacity) override {
    // Small reads, so that entries and headers straddle buffer boundaries.
    size_t n = std::min({capacity, size_ - offset_, size_t{4096}});
    std::memcpy(buffer, data_ + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_, offset_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BytesSource source(data, size);
  try {
    baton::archive::BackupReader reader(source, 1 << 20);
    baton::BackupSummary summary;
    baton::archive::TarEntry entry;
    for (int i = 0; i < 100000 && reader.Next(entry); ++i)
      baton::operations::CheckEntry(baton::layout::Marathon(), entry, summary);
  } catch (const baton::Error&) {
  }
  return 0;
}
