// Storage providers: where a backup is written to and read from, chosen by
// the scheme of the backup location URI (file://, and s3:// later).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace baton {

// A backup being written. Nothing is visible under the final name until
// Commit() returns; destroying an uncommitted sink discards what was written.
class BackupSink {
 public:
  virtual ~BackupSink() = default;
  virtual void Write(const void* data, size_t size) = 0;
  virtual void Commit() = 0;
  // False for a stream (a pipe, a device): what was written is out and
  // cannot be taken back, so a writer that may discard must spool first.
  virtual bool discardable() const { return true; }
};

// A backup being read, front to back.
class BackupSource {
 public:
  virtual ~BackupSource() = default;
  // Reads up to `size` bytes; returns 0 only at the end of the backup.
  virtual size_t Read(void* buffer, size_t size) = 0;
  // Starts again from the first byte of the same object, if the provider can
  // guarantee that it reads the same bytes again; returns false otherwise.
  virtual bool Rewind() { return false; }
};

class StorageProvider {
 public:
  virtual ~StorageProvider() = default;
  virtual std::unique_ptr<BackupSink> Create() = 0;
  virtual std::unique_ptr<BackupSource> Open() = 0;
  // The location for messages, with any secret redacted.
  virtual std::string Describe() const = 0;
};

// Validates the location as Marathon's leader endpoint does (file: a non-empty
// absolute path) and returns its provider. Throws baton::Error (kInvalidInput)
// when it is bad.
std::unique_ptr<StorageProvider> OpenStorage(const std::string& location);

}  // namespace baton
