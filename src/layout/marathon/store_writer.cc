#include "layout/marathon/store_writer.h"

#include <functional>

#include "layout/marathon/bucket.h"
#include "layout/marathon/storage_version.h"

namespace baton::marathon {

StoreWriter::StoreWriter(zk::BatchWriter& writer, std::string state_root, bool acls_recorded,
                         const std::unordered_map<uint64_t, bool>* valued)
    : writer_(writer), root_(std::move(state_root)), valued_(valued) {
  if (acls_recorded)
    unrecorded_ = std::make_shared<const zk::Acl>(zk::Acl::Parse("31:world:anyone"));
}

void StoreWriter::EnsureParents(const BackupItem& item) {
  std::string category = root_ + "/" + item.category;
  if (containers_.insert(category).second) writer_.EnsureContainer(category);
  std::string bucket = category + "/" + BucketOf(item.id);
  if (containers_.insert(bucket).second) writer_.EnsureContainer(std::move(bucket));
}

std::shared_ptr<const zk::Acl> StoreWriter::AclOf(const BackupItem& item) {
  if (item.acl.empty()) return unrecorded_;
  auto [it, added] = acls_.try_emplace(item.acl);
  if (added) it->second = std::make_shared<const zk::Acl>(zk::Acl::Parse(item.acl));
  return it->second;
}

void StoreWriter::Write(BackupItem&& item) {
  if (item.is_storage_version()) {
    storage_version_ = std::move(item.data);
    return;
  }
  EnsureParents(item);
  std::string path = item.NodePath(root_);
  if (!item.version) {
    bool created = !ids_.insert(std::hash<std::string>{}(path)).second;
    if (created) {
      // Created before, by its versions (see CreateIdNode).
      writer_.Set(std::move(path), std::move(item.data));
    } else {
      writer_.Create(std::move(path), std::move(item.data), AclOf(item));
    }
    return;
  }
  std::string id_path = path.substr(0, path.rfind('/'));
  if (ids_.insert(std::hash<std::string>{}(id_path)).second) {
    CreateIdNode(item, std::move(id_path));
  }
  writer_.Create(std::move(path), std::move(item.data), AclOf(item));
}

// An id node created for its first version: persistent, empty until its
// value is set, when the backup has a value for it; else a container, as
// Marathon's parents are. A recorded ACL of the value is not applied: it
// could forbid creating the versions below (the session's ACL instead).
void StoreWriter::CreateIdNode(const BackupItem& version, std::string path) {
  if (valued_ != nullptr) {
    auto found = valued_->find(IdKey(version.category, version.id));
    if (found != valued_->end()) {
      writer_.Create(std::move(path), "", found->second ? nullptr : unrecorded_);
      return;
    }
  }
  writer_.EnsureContainer(std::move(path));
}

void StoreWriter::Finish() {
  if (storage_version_) {
    writer_.Create(root_ + "/" + std::string(kStorageVersionName),
                   WrapStoreEntry(*storage_version_));
  }
  writer_.Flush();
}

}  // namespace baton::marathon
