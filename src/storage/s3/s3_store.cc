#include "storage/s3/s3_store.h"

#include "baton/error.h"
#include "storage/backup_location.h"
#include "storage/s3/sigv4_signer.h"

namespace baton::storage::s3 {

// Credentials are resolved once per store: a listing reads every record,
// and the chain may ask a metadata service each time it is walked.
S3Client& S3Store::Client() {
  if (!client_) {
    client_.emplace(target_.config,
                    ResolveCredentials(target_.params, target_.config.region, env_));
  }
  return *client_;
}

std::vector<StoredObject> S3Store::List() {
  std::vector<StoredObject> objects;
  for (ListedObject& object : Client().ListObjects(target_.key)) {
    objects.push_back({object.key.substr(target_.key.size()), object.size});
  }
  return objects;
}

std::string S3Store::Read(const std::string& name, size_t max_bytes) {
  S3Client& client = Client();
  const std::string key = target_.key + name;
  if (client.HeadObject(key).size > max_bytes) {
    throw Error(client.Describe(key) + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return client.GetObject(key);
}

void S3Store::Delete(const std::vector<std::string>& names) {
  std::vector<std::string> keys;
  for (const std::string& name : names) keys.push_back(target_.key + name);
  if (!keys.empty()) Client().DeleteObjects(keys);
}

std::string S3Store::LocationOf(const std::string& name) const {
  std::string location = "s3://" + target_.config.bucket + "/" +
                         SigV4Signer::UriEncode(target_.key + name, /*keep_slash=*/true);
  std::string query = SigV4Signer::CanonicalQuery(target_.params);
  return query.empty() ? location : location + "?" + query;
}

std::string S3Store::Describe() const {
  return "s3://" + target_.config.bucket + "/" + target_.key;
}

}  // namespace baton::storage::s3
