#include "layout/marathon/storage_version.h"

#include <openssl/rand.h>

#include <cstdio>

#include "baton/error.h"
#include "layout/marathon/backup_item.h"
#include "marathon.pb.h"

namespace baton::marathon {
namespace {

// A random (version 4) UUID as text, as Java's UUID.randomUUID().toString().
std::string RandomUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw Error("cannot get random bytes for a UUID");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace

StorageVersion StorageVersion::Parse(const std::string& bytes) {
  mesosphere::marathon::StorageVersion message;
  if (!message.ParseFromString(bytes)) {
    throw Error("the storage version is not a valid StorageVersion message");
  }
  return StorageVersion{message.major(), message.minor(), message.patch(),
                        static_cast<int>(message.format())};
}

std::string StorageVersion::Serialize() const {
  mesosphere::marathon::StorageVersion message;
  message.set_major(major);
  message.set_minor(minor);
  message.set_patch(patch);
  message.set_format(static_cast<mesosphere::marathon::StorageVersion::StorageFormat>(format));
  return message.SerializeAsString();
}

std::string StorageVersion::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string UnwrapStoreEntry(const std::string& node_data) {
  mesosphere::marathon::ZKStoreEntry entry;
  if (!entry.ParseFromString(node_data)) {
    throw Error("the storage version node does not hold a ZKStoreEntry");
  }
  if (entry.compressed()) {
    throw Error("the storage version node is compressed, which Marathon never writes");
  }
  return entry.value();
}

std::string WrapStoreEntry(const std::string& storage_version_bytes) {
  mesosphere::marathon::ZKStoreEntry entry;
  entry.set_name(std::string(kStorageVersionName));
  entry.set_uuid(RandomUuid());
  entry.set_value(storage_version_bytes);
  entry.set_compressed(false);
  return entry.SerializeAsString();
}

}  // namespace baton::marathon
