#include "operations/restore_marker.h"

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "operations/ownership.h"
#include "util/printable.h"
#include "zk/multi_op.h"
#include "zk/zk_session.h"

namespace baton::operations {

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
  try {
    return RestoreMarker{j.value("safety_backup", ""),  j.value("restoring", ""),
                         j.value("started", ""),        j.value("host", ""),
                         j.value("no_rollback", false), j.value("owner", ""),
                         j.value("layout", "")};
  } catch (const nlohmann::json::exception&) {
    // A field of the wrong type: what to roll back to is unknown, not "nothing".
    throw Error(NodePath(zk_path) + " exists but does not say what to roll back to");
  }
}

void RestoreMarker::Write(zk::ZkSession& session, const std::string& zk_path,
                          const std::string& fence) const {
  const std::string data = nlohmann::json{
      {"safety_backup", safety_backup},
      {"restoring", restoring},
      {"started", started},
      {"host", host},
      {"no_rollback", no_rollback},
      {"owner", owner},
      {"layout", layout}}.dump();
  // An existing marker is made anew rather than set: the new owner may be
  // another identity (a recover under other credentials), with no right to
  // write the old owner's node, only to delete and create below the shared
  // control path. The marker is then the new owner's.
  zk::MultiOp op;
  op.Fence(fence).Set(LockDir(zk_path), "");
  if (session.Exists(NodePath(zk_path))) op.Delete(NodePath(zk_path));
  op.Create(NodePath(zk_path), data, 0, session.control_acl());
  op.Run(session);
}

void RestoreMarker::Remove(zk::ZkSession& session, const std::string& zk_path,
                           const std::string& fence) {
  if (!session.Exists(NodePath(zk_path))) return;
  zk::MultiOp().Fence(fence).Delete(NodePath(zk_path)).Run(session);
}

std::string RestoreMarker::Describe() const {
  return "the restore of " + util::Printable(restoring) + " started " + util::Printable(started) +
         " on " + util::Printable(host);
}

std::optional<std::string> RunningJob(zk::ZkSession& session, const std::string& zk_path) {
  if (auto marker = RestoreMarker::Read(session, zk_path)) return marker->Describe();
  for (const std::string& child : session.Children(zk_path).value_or(std::vector<std::string>{})) {
    if (child.rfind(kBackupMarkerPrefix, 0) != 0) continue;
    if (auto what = session.Get(zk_path + "/" + child)) return "a " + *what;
  }
  return std::nullopt;
}

}  // namespace baton::operations
