#include "archive/tar_reader.h"

#include <archive_entry.h>

#include "baton/error.h"
#include "util/interrupt.h"
#include "util/printable.h"

namespace baton::archive {
namespace {

constexpr size_t kReadBuffer = 1 << 20;
// Longer than any Marathon id plus its category and timestamp; refused
// before the entry's data is read.
constexpr size_t kMaxEntryNameBytes = 4096;

}  // namespace

TarReader::TarReader(BackupSource& source, uint64_t max_entry_bytes)
    : source_(source), max_entry_bytes_(max_entry_bytes), buffer_(kReadBuffer, '\0') {
  archive_.reset(archive_read_new());
  if (!archive_) throw Error("cannot allocate a tar reader");
  struct ::archive* a = archive_.get();
  if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
      archive_read_support_filter_all(a) != ARCHIVE_OK ||
      archive_read_open(a, this, nullptr, &TarReader::OnRead, nullptr) != ARCHIVE_OK) {
    Fail("the backup is not a valid tar archive");
  }
}

TarReader::~TarReader() = default;

la_ssize_t TarReader::OnRead(struct ::archive* /*a*/, void* self, const void** buffer) {
  auto* reader = static_cast<TarReader*>(self);
  try {
    size_t n = reader->source_.Read(reader->buffer_.data(), reader->buffer_.size());
    reader->bytes_read_ += n;
    *buffer = reader->buffer_.data();
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    // Exceptions must not cross libarchive's C frames; rethrown in Fail().
    reader->source_error_ = std::current_exception();
    return -1;
  }
}

void TarReader::Fail(const std::string& what) {
  if (source_error_) std::rethrow_exception(source_error_);
  if (bytes_read_ == 0) throw Error("the backup is empty (0 bytes)", ErrorKind::kCorruptBackup);
  const char* detail = archive_error_string(archive_.get());
  throw Error(what + (detail != nullptr ? std::string(": ") + detail : ""),
              ErrorKind::kCorruptBackup);
}

bool TarReader::Next(TarEntry& entry) {
  util::ThrowIfInterrupted();  // every reader of a backup loops over this
  archive_entry* header = nullptr;
  int rc = archive_read_next_header(archive_.get(), &header);
  if (rc == ARCHIVE_EOF) {
    if (bytes_read_ == 0) throw Error("the backup is empty (0 bytes)", ErrorKind::kCorruptBackup);
    // libarchive also reports EOF when the stream stops exactly between two
    // entries; only a stream that ends with the end-of-archive blocks (or
    // with no entries at all) is complete.
    if (entries_ > 0 &&
        static_cast<uint64_t>(archive_filter_bytes(archive_.get(), 0)) <= last_entry_end_) {
      throw Error("the backup is truncated: it ends after entry " + std::to_string(entries_) +
                      " without the end-of-archive marker",
                  ErrorKind::kCorruptBackup);
    }
    return false;
  }
  if (rc != ARCHIVE_OK) Fail("the backup is not a valid tar archive (corrupt or truncated)");
  ReadHeader(header, entry);
  size_t size = static_cast<size_t>(archive_entry_size(header));
  // libarchive has consumed the header(s) now; the data follows, padded to
  // whole 512-byte blocks.
  last_entry_end_ =
      static_cast<uint64_t>(archive_filter_bytes(archive_.get(), 0)) + (size + 511) / 512 * 512;
  ReadData(entry, size);
  ++entries_;
  return true;
}

void TarReader::ReadHeader(archive_entry* header, TarEntry& entry) {
  const char* name = archive_entry_pathname(header);
  entry.name = name != nullptr ? name : "";
  if (entry.name.size() > kMaxEntryNameBytes) {
    throw Error("backup entry '" + util::Printable(entry.name) + "' has a name longer than " +
                    std::to_string(kMaxEntryNameBytes) + " bytes",
                ErrorKind::kCorruptBackup);
  }
  if (archive_entry_filetype(header) != AE_IFREG || archive_entry_hardlink(header) != nullptr) {
    throw Error("backup entry '" + util::Printable(entry.name) + "' is not a regular file",
                ErrorKind::kCorruptBackup);
  }
  if (archive_entry_sparse_count(header) > 0) {
    throw Error("backup entry '" + util::Printable(entry.name) +
                    "' is a sparse file, which backups never contain",
                ErrorKind::kCorruptBackup);
  }
  if (!archive_entry_size_is_set(header) || archive_entry_size(header) < 0 ||
      static_cast<uint64_t>(archive_entry_size(header)) > max_entry_bytes_) {
    throw Error("backup entry '" + util::Printable(entry.name) + "' is larger than the limit of " +
                    std::to_string(max_entry_bytes_) + " bytes",
                ErrorKind::kCorruptBackup);
  }
  entry.attributes.clear();
  archive_entry_xattr_reset(header);
  const char* key = nullptr;
  const void* value = nullptr;
  size_t value_size = 0;
  while (archive_entry_xattr_next(header, &key, &value, &value_size) == ARCHIVE_OK) {
    entry.attributes.emplace_back(key, std::string(static_cast<const char*>(value), value_size));
  }
}

void TarReader::ReadData(TarEntry& entry, size_t size) {
  entry.data.resize(size);
  size_t got = 0;
  while (got < size) {
    la_ssize_t n = archive_read_data(archive_.get(), entry.data.data() + got, size - got);
    if (n < 0)
      Fail("the backup is corrupt or truncated in entry '" + util::Printable(entry.name) + "'");
    if (n == 0) {
      throw Error("the backup is truncated inside entry '" + util::Printable(entry.name) + "'",
                  ErrorKind::kCorruptBackup);
    }
    got += static_cast<size_t>(n);
  }
}

}  // namespace baton::archive
