// The file:// backup store: the regular files of one directory.
#pragma once

#include <string>

#include "storage/backup_location.h"
#include "storage/backup_store.h"

namespace baton::storage {

class FileStore final : public BackupStore {
 public:
  explicit FileStore(std::string dir) : dir_(std::move(dir)) {}  // absolute, no trailing '/'

  std::vector<StoredObject> List() override;
  std::string Read(const std::string& name, size_t max_bytes) override;
  void Delete(const std::vector<std::string>& names) override;
  std::string LocationOf(const std::string& name) const override {
    return "file://" + PercentEncode(dir_ + "/" + name, "?#");
  }
  std::string Describe() const override { return "file://" + dir_ + "/"; }

 private:
  std::string dir_;
};

}  // namespace baton::storage
