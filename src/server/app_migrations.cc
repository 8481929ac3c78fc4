#include "server/app_migrations.h"

#include <functional>
#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "server/app_definition.h"
#include "zk/batch_writer.h"

namespace baton::server {
namespace {

using nlohmann::json;

// Rewrites every stored app definition, current values and versions, with
// `upgrade`. Writes go out in batches; one id's nodes are read at a time.
void RewriteApps(zk::ZkSession& session, const std::string& state_root,
                 const std::function<void(json&)>& upgrade) {
  const std::string apps = state_root + "/apps";
  zk::BatchWriter writer(session, 512 * 1024, 1000, 8);
  auto rewrite = [&](const std::string& node) {
    std::optional<std::string> data = session.Get(node);
    if (!data || data->empty()) return;  // gone, or no current value
    if (JsonNestsDeeperThan(*data, kMaxStoredJsonDepth)) {
      throw Error(node + " nests deeper than " + std::to_string(kMaxStoredJsonDepth) +
                  " levels; cannot migrate it");
    }
    json app = json::parse(*data, nullptr, /*allow_exceptions=*/false);
    if (!app.is_object()) {
      throw Error(node + " does not hold an app definition (JSON object); cannot migrate it");
    }
    json before = app;
    try {
      upgrade(app);
    } catch (const Error& e) {
      throw Error("cannot migrate " + node + ": " + e.what());
    }
    if (app != before) writer.Set(node, app.dump());
  };
  for (const std::string& bucket : session.Children(apps).value_or(std::vector<std::string>{})) {
    const std::string bucket_path = apps + "/" + bucket;
    for (const std::string& id :
         session.Children(bucket_path).value_or(std::vector<std::string>{})) {
      const std::string node = bucket_path + "/" + id;
      rewrite(node);
      for (const std::string& version :
           session.Children(node).value_or(std::vector<std::string>{})) {
        rewrite(node + "/" + version);
      }
    }
  }
  writer.Flush();
}

marathon::MigrationStep Step(marathon::StorageVersion version, std::string description,
                             void (*upgrade)(json&)) {
  return {version, std::move(description),
          [upgrade](zk::ZkSession& session, const std::string& state_root) {
            RewriteApps(session, state_root, upgrade);
          }};
}

}  // namespace

marathon::Migration AppStoreMigration() {
  constexpr int kPersistenceStore = 1;
  return marathon::Migration(
      {1, 0, 0, kPersistenceStore},
      {Step({1, 1, 0, kPersistenceStore}, "apps: \"ports\" become \"portDefinitions\"",
            &UpgradePortsToPortDefinitions),
       Step({1, 2, 0, kPersistenceStore}, "apps: cpus, mem and disk move into \"resources\"",
            &UpgradeGroupResources)});
}

}  // namespace baton::server
