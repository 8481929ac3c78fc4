#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "baton/error.h"

namespace baton::archive {

namespace {

int AddFilter(struct ::archive* a, Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return archive_write_add_filter_gzip(a);
    case Compression::kZstd:
      return archive_write_add_filter_zstd(a);
    case Compression::kNone:
      break;
  }
  return archive_write_add_filter_none(a);
}

}  // namespace

TarWriter::TarWriter(BackupSink& sink, std::time_t mtime, TarFormat format, Compression compression)
    : sink_(sink), mtime_(mtime) {
  archive_.reset(archive_write_new());
  if (!archive_) throw Error("cannot allocate a tar writer");
  struct ::archive* a = archive_.get();
  if (format == TarFormat::kGnu && compression != Compression::kNone) {
    throw Error("Marathon's tar format is never compressed");
  }
  int rc = format == TarFormat::kGnu ? archive_write_set_format_gnutar(a)
                                     : archive_write_set_format_pax_restricted(a);
  // Node names are UTF-8 already: stored as they are, whatever the locale.
  if (format == TarFormat::kPax &&
      archive_write_set_format_option(a, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK) {
    Fail("cannot configure the tar writer");
  }
  // A compressed stream must end where the compressor ends: zero padding
  // after it is garbage to zstd.
  if (compression != Compression::kNone) archive_write_set_bytes_in_last_block(a, 1);
  if (rc != ARCHIVE_OK || AddFilter(a, compression) != ARCHIVE_OK ||
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
  } catch (...) {
    // Exceptions must not cross libarchive's C frames: kept, rethrown by the
    // call that wrote. The bytes count as taken and later ones are dropped:
    // a failed callback leaves libarchive fatal, and freeing a fatal archive
    // leaks its buffers (ASan).
    writer->sink_error_ = std::current_exception();
    writer->abandoned_ = true;
  }
  return static_cast<la_ssize_t>(size);
}

void TarWriter::Fail(const std::string& what) {
  if (sink_error_) std::rethrow_exception(sink_error_);
  const char* detail = archive_ ? archive_error_string(archive_.get()) : nullptr;
  throw Error(what + (detail != nullptr ? std::string(": ") + detail : ""));
}

void TarWriter::Add(std::string_view name, std::string_view data, const TarAttributes& attributes) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      &archive_entry_free);
  std::string path(name);
  archive_entry_copy_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  archive_entry_set_mtime(entry.get(), mtime_, 0);
  for (const auto& [key, value] : attributes) {
    archive_entry_xattr_add_entry(entry.get(), key.c_str(), value.data(), value.size());
  }
  if (sink_error_ || archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) {
    Fail("cannot write tar entry " + path);
  }
  if (!data.empty() && archive_write_data(archive_.get(), data.data(), data.size()) !=
                           static_cast<la_ssize_t>(data.size())) {
    Fail("cannot write tar entry " + path);
  }
  if (sink_error_) Fail("cannot write tar entry " + path);
}

void TarWriter::Finish() {
  if (sink_error_ || archive_write_close(archive_.get()) != ARCHIVE_OK || sink_error_) {
    Fail("cannot finish the tar stream");
  }
}

}  // namespace baton::archive
