// A place that holds many backups side by side: a directory
// (file:///var/backups/zk) or an S3 prefix (s3://bucket/zk/). The catalogue
// lists one, --latest picks from one and prune deletes from one. Only the
// objects directly in it count: a store is one level, as {timestamp}
// locations write it.
//
// Thread safety: none; one store, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace baton::storage {

struct StoredObject {
  std::string name;  // within the store
  uint64_t size = 0;
};

class BackupStore {
 public:
  virtual ~BackupStore() = default;
  // Every object in it, by name (file: regular files, not the hidden
  // partial files of backups being written; S3: every page).
  virtual std::vector<StoredObject> List() = 0;
  // A small object whole (a manifest). Throws baton::Error if it is
  // missing or larger than `max_bytes`.
  virtual std::string Read(const std::string& name, size_t max_bytes) = 0;
  // Deletes the objects (S3: in batches); a missing one is no error.
  virtual void Delete(const std::vector<std::string>& names) = 0;
  // The backup location of an object in it, as OpenStorage takes it
  // (secrets included: never for messages).
  virtual std::string LocationOf(const std::string& name) const = 0;
  // The store for messages, secrets redacted.
  virtual std::string Describe() const = 0;
};

// `prefix`: file:///dir (a trailing '/' or not) or s3://bucket/[prefix/]
// with a location's parameters, or a backup location with {timestamp} (its
// directory or key prefix). Throws baton::Error (kInvalidInput) when it is bad.
std::unique_ptr<BackupStore> OpenStore(const std::string& prefix);

// The store a backup location lies in; null for a location that is no
// object of one (a device, a FIFO, another scheme).
std::unique_ptr<BackupStore> StoreOf(const std::string& location);

}  // namespace baton::storage
