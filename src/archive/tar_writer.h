// Writes a tar stream of regular files with mode 0644. Two flavours:
//  - GNU: what Marathon's reader accepts ('L' long-name records, no PAX
//    headers), uncompressed;
//  - PAX: entries may carry attributes (stored as PAX xattr records, which
//    libarchive reads back), and the stream may be compressed.
#pragma once

#include <archive.h>

#include <ctime>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "archive/compression.h"
#include "baton/storage.h"

namespace baton::archive {

enum class TarFormat { kGnu, kPax };

// Name and value of an entry attribute ("baton.sha256", ...).
using TarAttributes = std::vector<std::pair<std::string, std::string>>;

class TarWriter {
 public:
  // Writes to `sink`; entries get `mtime` (the time of the backup).
  TarWriter(BackupSink& sink, std::time_t mtime, TarFormat format = TarFormat::kGnu,
            Compression compression = Compression::kNone);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  // `attributes` only in the PAX format.
  void Add(std::string_view name, std::string_view data, const TarAttributes& attributes = {});
  // Writes the end-of-archive blocks and flushes; the sink is not committed.
  void Finish();

 private:
  static la_ssize_t OnWrite(struct ::archive* a, void* self, const void* buffer, size_t size);
  [[noreturn]] void Fail(const std::string& what);

  BackupSink& sink_;
  std::time_t mtime_;
  std::exception_ptr sink_error_;
  bool abandoned_ = false;  // bytes are dropped: set by the destructor, or once the sink failed
  // Last, so it is freed first (freeing may call OnWrite); owned, and freed
  // even when the constructor throws.
  std::unique_ptr<struct ::archive, decltype(&archive_write_free)> archive_{nullptr,
                                                                            &archive_write_free};
};

}  // namespace baton::archive
