// The handful of S3 calls a backup needs, signed with SigV4, retried with
// exponential backoff and full jitter on throttling, 5xx and connection
// errors. Errors name the object and the credential source, never a secret.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/http_client.h"
#include "storage/s3/sigv4_signer.h"
#include "storage/s3/xml.h"

namespace baton::storage::s3 {

struct S3Config {
  std::string bucket;
  std::string region = "us-east-1";
  // Empty: AWS (virtual-hosted style). Otherwise e.g. "http://127.0.0.1:9000",
  // addressed path-style, as S3-compatible stores expect.
  std::string endpoint;
  std::string sse;             // "", "AES256" or "aws:kms"
  std::string sse_kms_key_id;  // with sse=aws:kms
  int list_max_keys = 1000;    // per page of a listing (S3's most; tests page with fewer)
  int max_attempts = 6;
  int backoff_base_ms = 100;
  int backoff_max_ms = 5000;
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;
};

// One object of a listing.
struct ListedObject {
  std::string key;
  uint64_t size = 0;
  std::string last_modified;  // as S3 wrote it: ISO 8601, UTC
};

class S3Client {
 public:
  S3Client(S3Config config, Credentials credentials);

  void PutObject(const std::string& key, std::string_view data);
  std::string CreateMultipartUpload(const std::string& key);
  // Returns the part's ETag.
  std::string UploadPart(const std::string& key, const std::string& upload_id, int part_number,
                         std::string_view data);
  void CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                               const std::vector<std::string>& etags);
  void AbortMultipartUpload(const std::string& key, const std::string& upload_id);
  ObjectInfo HeadObject(const std::string& key);
  // The whole of a small object.
  std::string GetObject(const std::string& key);
  // Every object whose key starts with `prefix` and has no '/' after it,
  // however many pages S3 answers in.
  std::vector<ListedObject> ListObjects(const std::string& prefix);
  // Deletes the objects, up to 1,000 per request; throws naming the first
  // one S3 could not delete.
  void DeleteObjects(const std::vector<std::string>& keys);
  // Bytes [first, last] of the object, which must still have `etag`.
  std::string GetRange(const std::string& key, uint64_t first, uint64_t last,
                       const std::string& etag);

  std::string Describe(const std::string& key) const {
    return "s3://" + config_.bucket + "/" + key;
  }
  const S3Config& config() const { return config_; }

 private:
  HttpResponse Call(const std::string& method, const std::string& key,
                    std::map<std::string, std::string> query,
                    std::map<std::string, std::string> headers, std::string_view body,
                    const std::string& what);
  // Headers for a new object: content type, ACL, server-side encryption.
  std::map<std::string, std::string> NewObjectHeaders() const;
  [[noreturn]] void Fail(const HttpResponse& response, const std::string& key,
                         const std::string& what);

  S3Config config_;
  SigV4Signer signer_;
};

}  // namespace baton::storage::s3
