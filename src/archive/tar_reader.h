// Reads a tar stream entry by entry with bounded memory: GNU long names, PAX
// and ustar headers, any compression libarchive knows. Refuses what a backup
// never contains (links, directories, sparse files, oversized entries) and
// notices a stream that ends without tar's end-of-archive blocks.
#pragma once

#include <archive.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "baton/storage.h"

namespace baton::archive {

struct TarEntry {
  std::string name;
  std::string data;
  // PAX xattr records (see TarWriter); empty in Marathon's tars.
  std::vector<std::pair<std::string, std::string>> attributes;

  // The value of attribute `key`, or nullptr.
  const std::string* Attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

class TarReader {
 public:
  // Entries larger than `max_entry_bytes` are refused before they are read.
  TarReader(BackupSource& source, uint64_t max_entry_bytes);
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // Fills `entry` with the next entry; returns false at the end of a complete
  // archive. Throws baton::Error (kCorruptBackup) on a corrupt, truncated or
  // refused stream; a failed read keeps its own kind.
  bool Next(TarEntry& entry);

  // Bytes read from the source so far.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  static la_ssize_t OnRead(struct ::archive* a, void* self, const void** buffer);
  [[noreturn]] void Fail(const std::string& what);
  // Refuses a header no backup has (name, type, size); fills name and
  // attributes.
  void ReadHeader(archive_entry* header, TarEntry& entry);
  void ReadData(TarEntry& entry, size_t size);

  BackupSource& source_;
  uint64_t max_entry_bytes_;
  std::string buffer_;
  std::exception_ptr source_error_;
  uint64_t bytes_read_ = 0;
  uint64_t entries_ = 0;
  uint64_t last_entry_end_ = 0;
  // Last, so it is freed first.
  // Owned, and freed even when the constructor throws.
  std::unique_ptr<struct ::archive, decltype(&archive_read_free)> archive_{
      nullptr, &archive_read_free};  // stream offset after the last entry read
};

}  // namespace baton::archive
