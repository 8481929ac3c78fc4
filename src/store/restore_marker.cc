#include "store/restore_marker.h"

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "zk/zk_session.h"

namespace baton::store {

std::string RestoreMarker::NodePath(const std::string& zk_path) {
  return zk_path + "/restore-in-progress";
}

std::optional<RestoreMarker> RestoreMarker::Read(zk::ZkSession& session,
                                                 const std::string& zk_path) {
  std::optional<std::string> data = session.Get(NodePath(zk_path));
  if (!data) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    throw Error(NodePath(zk_path) + " exists but does not say what to roll back to");
  }
  return RestoreMarker{j.value("safety_backup", ""), j.value("restoring", ""),
                       j.value("started", ""), j.value("host", ""), j.value("no_rollback", false)};
}

void RestoreMarker::Write(zk::ZkSession& session, const std::string& zk_path) const {
  session.Put(NodePath(zk_path), nlohmann::json{{"safety_backup", safety_backup},
                                                {"restoring", restoring},
                                                {"started", started},
                                                {"host", host},
                                                {"no_rollback", no_rollback}}
                                     .dump());
}

void RestoreMarker::Remove(zk::ZkSession& session, const std::string& zk_path) {
  session.Delete(NodePath(zk_path));
}

std::optional<std::string> RunningJob(zk::ZkSession& session, const std::string& zk_path) {
  if (auto marker = RestoreMarker::Read(session, zk_path)) {
    return "a restore of " + marker->restoring + " (started " + marker->started + " on " +
           marker->host + ")";
  }
  for (const std::string& child : session.Children(zk_path).value_or(std::vector<std::string>{})) {
    if (child.rfind(kBackupMarkerPrefix, 0) != 0) continue;
    if (auto what = session.Get(zk_path + "/" + child)) return "a " + *what;
  }
  return std::nullopt;
}

}  // namespace baton::store
