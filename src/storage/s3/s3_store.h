// The s3:// backup store: the objects directly under a key prefix.
#pragma once

#include <optional>
#include <string>

#include "storage/backup_store.h"
#include "storage/s3/credential_chain.h"
#include "storage/s3/s3_storage.h"

namespace baton::storage::s3 {

class S3Store final : public BackupStore {
 public:
  S3Store(S3Target target, Environment env) : target_(std::move(target)), env_(std::move(env)) {}

  std::vector<StoredObject> List() override;
  std::string Read(const std::string& name, size_t max_bytes) override;
  void Delete(const std::vector<std::string>& names) override;
  std::string LocationOf(const std::string& name) const override;
  std::string Describe() const override;

 private:
  S3Client& Client();

  S3Target target_;  // its key is the prefix
  Environment env_;
  std::optional<S3Client> client_;  // made on first use
};

}  // namespace baton::storage::s3
