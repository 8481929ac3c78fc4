#include "store/store_writer.h"

#include <functional>

#include "store/bucket.h"
#include "store/storage_version.h"

namespace baton::store {

StoreWriter::StoreWriter(zk::BatchWriter& writer, std::string state_root)
    : writer_(writer), root_(std::move(state_root)) {}

void StoreWriter::EnsureParents(const BackupItem& item) {
  std::string category = root_ + "/" + item.category;
  if (containers_.insert(category).second) writer_.EnsureContainer(category);
  std::string bucket = category + "/" + BucketOf(item.id);
  if (containers_.insert(bucket).second) writer_.EnsureContainer(std::move(bucket));
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
      writer_.Set(std::move(path), std::move(item.data));
    } else {
      writer_.Create(std::move(path), std::move(item.data));
    }
    return;
  }
  std::string id_path = path.substr(0, path.rfind('/'));
  if (ids_.insert(std::hash<std::string>{}(id_path)).second) {
    writer_.EnsureContainer(std::move(id_path));
  }
  writer_.Create(std::move(path), std::move(item.data));
}

void StoreWriter::Finish() {
  if (storage_version_) {
    writer_.Create(root_ + "/" + std::string(kStorageVersionName),
                   WrapStoreEntry(*storage_version_));
  }
  writer_.Flush();
}

}  // namespace baton::store
