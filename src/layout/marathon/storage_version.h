// The storage version node: in ZooKeeper a ZKStoreEntry wrapping a
// StorageVersion; in a backup the bare StorageVersion bytes.
#pragma once

#include <cstdint>
#include <string>

namespace baton::marathon {

struct StorageVersion {
  uint32_t major = 0, minor = 0, patch = 0;
  int format = 1;  // PERSISTENCE_STORE

  // Throws baton::Error when `bytes` is not a StorageVersion message.
  static StorageVersion Parse(const std::string& bytes);
  std::string Serialize() const;
  std::string ToString() const;  // "1.10.100"
};

// The StorageVersion bytes inside a ZKStoreEntry; throws baton::Error when the
// node data is not an uncompressed ZKStoreEntry.
std::string UnwrapStoreEntry(const std::string& node_data);
// A ZKStoreEntry named internal:storage:version with a fresh random UUID.
std::string WrapStoreEntry(const std::string& storage_version_bytes);

}  // namespace baton::marathon
