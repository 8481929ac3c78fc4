// Writes a tar stream that Marathon's reader accepts: GNU format with 'L'
// long-name records, no PAX headers, regular files with mode 0644.
#pragma once

#include <archive.h>

#include <ctime>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "baton/storage.h"

namespace baton::archive {

class TarWriter {
 public:
  // Writes to `sink`; entries get `mtime` (the time of the backup).
  TarWriter(BackupSink& sink, std::time_t mtime);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  void Add(std::string_view name, std::string_view data);
  // Writes the end-of-archive blocks and flushes; the sink is not committed.
  void Finish();

 private:
  static la_ssize_t OnWrite(struct ::archive* a, void* self, const void* buffer, size_t size);
  [[noreturn]] void Fail(const std::string& what);

  BackupSink& sink_;
  std::time_t mtime_;
  std::exception_ptr sink_error_;
  bool abandoned_ = false;  // set by the destructor
  // Last, so it is freed first (freeing may call OnWrite); owned, and freed
  // even when the constructor throws.
  std::unique_ptr<struct ::archive, decltype(&archive_write_free)> archive_{nullptr,
                                                                            &archive_write_free};
};

}  // namespace baton::archive
