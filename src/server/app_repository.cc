#include "server/app_repository.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "baton/error.h"
#include "layout/marathon/backup_item.h"
#include "layout/marathon/timestamp.h"
#include "zk/multi_op.h"

namespace baton::server {
namespace {

using marathon::OffsetTimestamp;
using nlohmann::json;

constexpr char kCategory[] = "apps";
// Deletes per multi-op when an app with many versions goes.
constexpr size_t kMaxOpsPerMulti = 1000;

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<json> ParseApp(const std::string& data, const std::string& where) {
  if (data.empty()) return std::nullopt;
  if (JsonNestsDeeperThan(data, kMaxStoredJsonDepth)) {
    spdlog::warn("{} nests deeper than {} levels; ignored", where, kMaxStoredJsonDepth);
    return std::nullopt;
  }
  json app = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (app.is_discarded()) {
    spdlog::warn("{} does not hold an app definition (not JSON); ignored", where);
    return std::nullopt;
  }
  return app;
}

}  // namespace

AppRepository::AppRepository(zk::ZkSession& session, std::string state_root, size_t max_versions)
    : session_(session),
      state_root_(std::move(state_root)),
      max_versions_(std::max<size_t>(max_versions, 1)) {}

std::string AppRepository::NodePath(const AppId& id, std::optional<OffsetTimestamp> version) const {
  const marathon::BackupItem item{
      .category = kCategory, .id = id.StorageId(), .version = version, .data = {}};
  return item.NodePath(state_root_);
}

std::vector<std::string> AppRepository::SortedVersions(const std::string& node) {
  std::vector<std::pair<int64_t, std::string>> versions;
  for (std::string& name : session_.Children(node).value_or(std::vector<std::string>{})) {
    if (auto t = OffsetTimestamp::Parse(name)) versions.emplace_back(t->UnixMillis(), name);
  }
  std::sort(versions.begin(), versions.end());
  std::vector<std::string> names;
  for (auto& v : versions) names.push_back(std::move(v.second));
  return names;
}

AppRepository::Write AppRepository::Store(const AppId& id, json& app, bool create_only,
                                          const std::string& fence, bool* created) {
  std::lock_guard lock(write_mu_);
  const std::string node = NodePath(id);
  for (int attempt = 0;; ++attempt) {
    session_.EnsureContainers(node.substr(0, node.rfind('/')));
    Stat stat{};
    std::optional<std::string> current = session_.Get(node, &stat);
    if (create_only && current && !current->empty()) return Write::kExists;
    if (created) *created = !current || current->empty();

    std::vector<std::string> versions = current ? SortedVersions(node) : std::vector<std::string>{};
    int64_t millis = NowMillis();
    if (!versions.empty()) {
      millis = std::max(millis, OffsetTimestamp::Parse(versions.back())->UnixMillis() + 1);
    }
    OffsetTimestamp version = OffsetTimestamp::FromUnixMillis(millis);
    app["version"] = version.ToString();
    const std::string data = app.dump();
    if (data.size() > kMaxAppBytes) return Write::kTooLarge;

    zk::MultiOp ops;
    ops.Check(fence);  // not Fence(): a lost term is an answer (kNotLeader), not an error
    if (current) {
      ops.Set(node, data, stat.version);
    } else {
      ops.Create(node, data);
    }
    ops.Create(NodePath(id, version), data);
    // Keep at most max_versions_, the new one included.
    for (size_t i = 0; i + max_versions_ <= versions.size(); ++i) {
      ops.Delete(node + "/" + versions[i]);
    }
    size_t failed = 0;
    const int rc = ops.TryRun(session_, &failed);
    if (rc == ZOK) return Write::kDone;
    if (failed == 0 && rc == ZNONODE) return Write::kNotLeader;
    // The bucket container was reaped, or another writer got in between: the
    // state was read again above, so try again a few times.
    if (attempt < 3 &&
        (rc == ZNONODE || rc == ZBADVERSION || rc == ZNODEEXISTS || rc == ZNOTEMPTY)) {
      continue;
    }
    zk::ThrowZkError(rc, "store app " + id.path() + " at", node);
  }
}

AppRepository::Write AppRepository::Delete(const AppId& id, const std::string& fence) {
  std::lock_guard lock(write_mu_);
  const std::string node = NodePath(id);
  std::optional<std::string> current = session_.Get(node);
  if (!current || current->empty()) return Write::kNotFound;
  std::vector<std::string> paths;
  for (const std::string& name : session_.Children(node).value_or(std::vector<std::string>{})) {
    paths.push_back(node + "/" + name);
  }
  paths.push_back(node);
  // Versions go first, in multi-ops of bounded size; the last one removes the
  // current value, so an interrupted delete leaves a complete app behind.
  for (size_t start = 0; start < paths.size(); start += kMaxOpsPerMulti - 1) {
    size_t end = std::min(paths.size(), start + kMaxOpsPerMulti - 1);
    zk::MultiOp ops;
    ops.Check(fence);
    for (size_t i = start; i < end; ++i) ops.Delete(paths[i]);
    size_t failed = 0;
    const int rc = ops.TryRun(session_, &failed);
    if (failed == 0 && rc == ZNONODE) return Write::kNotLeader;
    if (rc != ZOK) zk::ThrowZkError(rc, "delete app " + id.path() + " at", node);
  }
  return Write::kDone;
}

std::optional<json> AppRepository::Get(const AppId& id) {
  std::string node = NodePath(id);
  std::optional<std::string> data = session_.Get(node);
  return data ? ParseApp(*data, node) : std::nullopt;
}

std::vector<json> AppRepository::List() {
  std::vector<std::pair<std::string, json>> apps;
  const std::string apps_root = state_root_ + "/" + kCategory;
  for (const std::string& bucket :
       session_.Children(apps_root).value_or(std::vector<std::string>{})) {
    const std::string bucket_path = apps_root + "/" + bucket;
    for (const std::string& stored :
         session_.Children(bucket_path).value_or(std::vector<std::string>{})) {
      const std::string node = bucket_path + "/" + stored;
      std::optional<std::string> data = session_.Get(node);
      if (!data) continue;  // deleted meanwhile
      if (auto app = ParseApp(*data, node)) {
        std::string id = app->value("id", stored);
        apps.emplace_back(std::move(id), std::move(*app));
      }
    }
  }
  std::sort(apps.begin(), apps.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<json> out;
  for (auto& app : apps) out.push_back(std::move(app.second));
  return out;
}

std::optional<std::vector<std::string>> AppRepository::Versions(const AppId& id) {
  std::string node = NodePath(id);
  std::optional<std::string> current = session_.Get(node);
  if (!current) return std::nullopt;
  std::vector<std::string> names = SortedVersions(node);
  if (current->empty() && names.empty()) return std::nullopt;
  std::vector<std::string> out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    out.push_back(OffsetTimestamp::Parse(*it)->ToString());
  }
  return out;
}

std::optional<json> AppRepository::GetVersion(const AppId& id, const std::string& version) {
  std::optional<OffsetTimestamp> t = OffsetTimestamp::Parse(version);
  if (!t) return std::nullopt;
  std::string node = NodePath(id, *t);
  std::optional<std::string> data = session_.Get(node);
  return data ? ParseApp(*data, node) : std::nullopt;
}

}  // namespace baton::server
