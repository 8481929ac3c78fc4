#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "baton/error.h"

namespace baton::archive {

TarWriter::TarWriter(BackupSink& sink, std::time_t mtime) : sink_(sink), mtime_(mtime) {
  archive_ = archive_write_new();
  if (archive_ == nullptr) throw Error("cannot allocate a tar writer");
  if (archive_write_set_format_gnutar(archive_) != ARCHIVE_OK ||
      archive_write_add_filter_none(archive_) != ARCHIVE_OK ||
      archive_write_open2(archive_, this, nullptr, &TarWriter::OnWrite, nullptr, nullptr) !=
          ARCHIVE_OK) {
    Fail("cannot start the tar stream");
  }
}

TarWriter::~TarWriter() {
  // Without Finish() the stream is abandoned: the sink is never committed,
  // so nothing partial becomes visible.
  archive_write_free(archive_);
}

la_ssize_t TarWriter::OnWrite(struct ::archive* /*a*/, void* self, const void* buffer,
                              size_t size) {
  auto* writer = static_cast<TarWriter*>(self);
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
  const char* detail = archive_ != nullptr ? archive_error_string(archive_) : nullptr;
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
  if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) {
    Fail("cannot write tar entry " + path);
  }
  if (!data.empty() && archive_write_data(archive_, data.data(), data.size()) !=
                           static_cast<la_ssize_t>(data.size())) {
    Fail("cannot write tar entry " + path);
  }
}

void TarWriter::Finish() {
  if (archive_write_close(archive_) != ARCHIVE_OK) Fail("cannot finish the tar stream");
}

}  // namespace baton::archive
