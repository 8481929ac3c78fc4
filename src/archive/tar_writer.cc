#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "baton/error.h"

namespace baton::archive {

TarWriter::TarWriter(BackupSink& sink, std::time_t mtime) : sink_(sink), mtime_(mtime) {
  archive_.reset(archive_write_new());
  if (!archive_) throw Error("cannot allocate a tar writer");
  struct ::archive* a = archive_.get();
  if (archive_write_set_format_gnutar(a) != ARCHIVE_OK ||
      archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_open2(a, this, nullptr, &TarWriter::OnWrite, nullptr, nullptr) != ARCHIVE_OK) {
    Fail("cannot start the tar stream");
  }
}

// Without Finish() the stream is abandoned: freeing the archive flushes
// into OnWrite, which drops the bytes, and the sink is never committed, so
// nothing partial becomes visible.
TarWriter::~TarWriter() { abandoned_ = true; }

la_ssize_t TarWriter::OnWrite(struct ::archive* /*a*/, void* self, const void* buffer,
                              size_t size) {
  auto* writer = static_cast<TarWriter*>(self);
  if (writer->abandoned_) return static_cast<la_ssize_t>(size);
  try {
    writer->sink_.Write(buffer, size);
    return static_cast<la_ssize_t>(size);
  } catch (...) {
    // Exceptions must not cross libarchive's C frames; rethrown in Fail().
    writer->sink_error_ = std::current_exception();
    return -1;
  }
}

void TarWriter::Fail(const std::string& what) {
  if (sink_error_) std::rethrow_exception(sink_error_);
  const char* detail = archive_ ? archive_error_string(archive_.get()) : nullptr;
  throw Error(what + (detail != nullptr ? std::string(": ") + detail : ""));
}

void TarWriter::Add(std::string_view name, std::string_view data) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      &archive_entry_free);
  std::string path(name);
  archive_entry_copy_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  archive_entry_set_mtime(entry.get(), mtime_, 0);
  if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) {
    Fail("cannot write tar entry " + path);
  }
  if (!data.empty() && archive_write_data(archive_.get(), data.data(), data.size()) !=
                           static_cast<la_ssize_t>(data.size())) {
    Fail("cannot write tar entry " + path);
  }
}

void TarWriter::Finish() {
  if (archive_write_close(archive_.get()) != ARCHIVE_OK) Fail("cannot finish the tar stream");
}

}  // namespace baton::archive
