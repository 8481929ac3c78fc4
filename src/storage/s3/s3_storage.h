// The s3:// storage provider: s3://bucket/key?region=..&access_key=..&secret_key=..
// (plus endpoint=, sse=, sse_kms_key_id=). Uploads stream in multipart
// parts, several in flight, each with Content-MD5; any failure aborts the
// multipart upload so no partial object remains. Downloads stream in ranged
// GETs pinned to the object's ETag, so a second pass reads the same object.
#pragma once

#include <map>
#include <string>

#include "baton/storage.h"
#include "storage/s3/credential_chain.h"
#include "storage/s3/s3_client.h"

namespace baton::storage::s3 {

struct UploadTuning {
  size_t first_part_bytes = 8 << 20;  // doubles every 1000 parts: 10,000 parts reach far past 5 TB
  int parts_in_flight = 4;
  size_t range_bytes = 8 << 20;
};

// An s3:// location or prefix, checked: its bucket, key (or key prefix,
// which ends in '/' or is empty) and parameters.
struct S3Target {
  S3Config config;
  std::string key;
  std::map<std::string, std::string> params;
};
S3Target ParseS3Target(const std::string& location, const Environment& env, bool prefix);

class S3Storage : public StorageProvider {
 public:
  S3Storage(S3Config config, std::string key, std::map<std::string, std::string> uri_params,
            Environment env, UploadTuning tuning = {});
  std::unique_ptr<BackupSink> Create() override;
  std::unique_ptr<BackupSource> Open() override;
  std::string Describe() const override { return "s3://" + config_.bucket + "/" + key_; }

  // Validates an s3:// location (a bucket and a key, known parameters only).
  static std::unique_ptr<S3Storage> FromLocation(const std::string& location, Environment env);

 private:
  S3Client Client() const;

  S3Config config_;
  std::string key_;
  std::map<std::string, std::string> uri_params_;
  Environment env_;
  UploadTuning tuning_;
};

}  // namespace baton::storage::s3
