#include "support/app_store.h"

#include "layout/marathon/storage_version.h"

namespace baton::testing {

std::vector<NewNode> AppStoreV1(const std::string& state, const std::vector<OldApp>& apps) {
  std::vector<NewNode> nodes;
  nodes.push_back({state + "/internal:storage:version",
                   marathon::WrapStoreEntry(marathon::StorageVersion{1, 0, 0, 1}.Serialize())});
  nodes.push_back({state + "/apps", "", true});
  for (const OldApp& app : apps) {
    std::string bucket = state + "/apps/" + app.bucket;
    nodes.push_back({bucket, "", true});
    nodes.push_back({bucket + "/" + app.stored_id, app.json});
    for (const std::string& version : app.versions) {
      nodes.push_back({bucket + "/" + app.stored_id + "/" + version, app.json});
    }
  }
  return nodes;
}

std::vector<OldApp> SampleOldApps() {
  return {
      {"_legacy",
       "8",
       {"2016-01-01T00:00:00Z", "2016-02-01T10:00:00.5Z"},
       R"({"id":"/legacy","cmd":"run","instances":2,"cpus":0.5,"mem":256,"ports":[8080,8081]})"},
      {"_old_api", "3", {"2016-03-01T00:00:00Z"}, R"({"id":"/old/api","cmd":"api","mem":64})"},
  };
}

}  // namespace baton::testing
