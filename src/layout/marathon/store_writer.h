// Writes backup items into Marathon's layout under a state root that has
// just been emptied: categories and buckets as CONTAINER nodes, an id node as
// a container when only its versions exist, values as persistent nodes, and
// the storage version (wrapped in a ZKStoreEntry) last. Whether an id has a
// value is known from the validation pass, since its versions may come first.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "layout/marathon/backup_item.h"
#include "zk/batch_writer.h"

namespace baton::marathon {

class StoreWriter {
 public:
  // With `acls_recorded`, items without an ACL get the open one (the backup
  // recorded every other); otherwise the session's. `valued` (IdKey -> its
  // value has a recorded ACL) names the ids with a current value; without
  // it, an id whose versions come first becomes a container.
  StoreWriter(zk::BatchWriter& writer, std::string state_root, bool acls_recorded = false,
              const std::unordered_map<uint64_t, bool>* valued = nullptr);

  void Write(BackupItem&& item);
  // Writes the storage version, if one was given, and waits for every write.
  void Finish();

 private:
  void EnsureParents(const BackupItem& item);
  void CreateIdNode(const BackupItem& version, std::string path);
  std::shared_ptr<const zk::Acl> AclOf(const BackupItem& item);

  zk::BatchWriter& writer_;
  std::string root_;
  // Category and bucket nodes already created: at most 16 per category.
  std::unordered_set<std::string> containers_;
  // Hashes of the id nodes already created, so memory stays at a few bytes
  // per id. A collision only costs a replay: a Create on a missing parent or
  // a Set on a missing node fails its batch, which is then done one op at a
  // time with create-or-update semantics.
  std::unordered_set<uint64_t> ids_;
  std::optional<std::string> storage_version_;
  // ACLs by their text: nodes mostly share a few.
  std::unordered_map<std::string, std::shared_ptr<const zk::Acl>> acls_;
  std::shared_ptr<const zk::Acl> unrecorded_;  // for items without an ACL
  const std::unordered_map<uint64_t, bool>* valued_;
};

}  // namespace baton::marathon
