// Where baton serve keeps its apps: category "apps" of the persistence store,
// in Marathon's layout. The current definition is <state>/apps/<bucket>/<id>
// and every stored definition is also a version child
// <state>/apps/<bucket>/<id>/<ISO_OFFSET_DATE_TIME>. A write changes the
// current value, adds the version and prunes the oldest versions in one
// multi-op that also checks a fence node (the writer's election node), so a
// server that lost leadership cannot write.
//
// Thread safety: every call from any number of threads (baton serve's HTTP
// workers); writes take write_mu_, one at a time, since each reads and then
// writes conditionally. Reads go straight to the session.
#pragma once

#include <cstddef>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "layout/marathon/timestamp.h"
#include "server/app_definition.h"
#include "zk/zk_session.h"

namespace baton::server {

class AppRepository {
 public:
  enum class Write { kDone, kExists, kNotFound, kNotLeader, kTooLarge };
  // The largest app definition stored (kTooLarge otherwise): a store sends it
  // twice (current value and version) in one request, and ZooKeeper drops a
  // connection whose request exceeds jute.maxbuffer (1 MiB by default).
  static constexpr size_t kMaxAppBytes = 400 * 1024;

  AppRepository(zk::ZkSession& session, std::string state_root, size_t max_versions = 50);

  // Stores `app` (already normalized) as the current definition and as a new
  // version, and sets its "version" field. With `create_only`, an app that
  // has a current value is left alone (kExists). `created` tells whether
  // there was none. kTooLarge when it is longer than kMaxAppBytes.
  Write Store(const AppId& id, nlohmann::json& app, bool create_only, const std::string& fence,
              bool* created = nullptr);
  // Deletes the app and all its versions.
  Write Delete(const AppId& id, const std::string& fence);

  std::optional<nlohmann::json> Get(const AppId& id);
  // Every app with a current value, ordered by id.
  std::vector<nlohmann::json> List();
  // The app's version timestamps, newest first; nullopt for an unknown app.
  std::optional<std::vector<std::string>> Versions(const AppId& id);
  std::optional<nlohmann::json> GetVersion(const AppId& id, const std::string& version);

 private:
  // The node of the app's current value, or of one of its versions.
  std::string NodePath(const AppId& id,
                       std::optional<marathon::OffsetTimestamp> version = std::nullopt) const;
  // Version node names under `node`, oldest first.
  std::vector<std::string> SortedVersions(const std::string& node);

  zk::ZkSession& session_;
  std::string state_root_;
  size_t max_versions_;
  std::mutex write_mu_;  // one write at a time: each reads, then writes conditionally
};

}  // namespace baton::server
