#include "operations/ownership.h"

#include <vector>

#include "baton/error.h"
#include "operations/restore_marker.h"

namespace baton::operations {
namespace {

// Read with exists, which needs no permission on the node.
int32_t EpochOf(zk::ZkSession& session, const std::string& zk_path) {
  Stat stat{};
  if (!session.Exists(LockDir(zk_path), &stat)) return -1;
  return stat.version;
}

// The control paths of the trees nested with the one of `zk_path` (itself
// included): those above it up to `family`, and those below it.
std::vector<std::string> NestedControls(zk::ZkSession& session, const std::string& zk_path,
                                        const std::string& family) {
  std::vector<std::string> controls{zk_path};
  if (family.empty()) return controls;
  for (size_t slash = zk_path.rfind('/'); slash > family.size() && slash != std::string::npos;
       slash = zk_path.rfind('/', slash - 1)) {
    controls.push_back(zk_path.substr(0, slash));
  }
  // Below it only control nodes live; a tree's own are not trees.
  std::vector<std::string> todo{zk_path};
  while (!todo.empty()) {
    std::string path = std::move(todo.back());
    todo.pop_back();
    for (const std::string& child : session.Children(path).value_or(std::vector<std::string>{})) {
      if (child == "baton-lock" || child == "restore-in-progress" ||
          child.starts_with(kBackupMarkerPrefix)) {
        continue;
      }
      controls.push_back(path + "/" + child);
      todo.push_back(controls.back());
    }
  }
  return controls;
}

std::map<std::string, int32_t> EpochsOf(zk::ZkSession& session,
                                        const std::vector<std::string>& controls) {
  std::map<std::string, int32_t> versions;
  for (const std::string& control : controls) versions[control] = EpochOf(session, control);
  return versions;
}

}  // namespace

void RefuseWhileRestoring(zk::ZkSession& session, const std::string& zk_path) {
  std::optional<RestoreMarker> marker = RestoreMarker::Read(session, zk_path);
  if (!marker) return;
  if (!marker->owner.empty() && session.Exists(marker->owner)) {
    std::optional<zk::LockOwner> holder = zk::ExclusiveLock::Holder(session, LockDir(zk_path));
    throw Error("a restore into " + zk_path +
                    " is running: " + (holder ? holder->Describe() : marker->Describe()) +
                    "; nothing was read. Try again when it is done",
                ErrorKind::kRefused);
  }
  throw Error("a restore into " + zk_path + " did not finish (" + marker->Describe() +
              "), so the state may be half-written: run baton recover (or baton restore) first");
}

std::string LockDir(const std::string& zk_path) { return zk_path + "/baton-lock"; }

std::unique_ptr<zk::ExclusiveLock> TakeOwnership(zk::ZkSession& session, const std::string& zk_path,
                                                 const std::string& what,
                                                 const std::string& family) {
  std::unique_ptr<zk::ExclusiveLock> lock =
      zk::ExclusiveLock::TryAcquire(session, LockDir(zk_path), what);
  for (const std::string& other : NestedControls(session, zk_path, family)) {
    if (other == zk_path) continue;
    const std::string tree = other.substr(family.size());
    if (auto holder = zk::ExclusiveLock::Holder(session, LockDir(other))) {
      throw Error(tree + ", nested with " + zk_path.substr(family.size()) + ", is held by " +
                      holder->Describe() + "; nothing was changed. Try again when it is done",
                  ErrorKind::kRefused);
    }
    if (auto marker = RestoreMarker::Read(session, other)) {
      throw Error("a restore into " + tree + ", nested with " + zk_path.substr(family.size()) +
                      ", did not finish (" + marker->Describe() +
                      "); nothing was changed. Run baton recover on " + tree + " first",
                  ErrorKind::kRefused);
    }
  }
  return lock;
}

RestoreEpoch RestoreEpoch::Begin(zk::ZkSession& session, const std::string& zk_path,
                                 const std::string& family) {
  RestoreEpoch epoch;
  epoch.zk_path_ = zk_path;
  epoch.family_ = family;
  // The epochs first: a restore that starts after this read bumps one.
  epoch.versions_ = EpochsOf(session, NestedControls(session, zk_path, family));
  for (const auto& [control, version] : epoch.versions_) RefuseWhileRestoring(session, control);
  return epoch;
}

bool RestoreEpoch::Unchanged(zk::ZkSession& session) const {
  std::vector<std::string> controls = NestedControls(session, zk_path_, family_);
  for (const std::string& control : controls) {
    if (session.Exists(RestoreMarker::NodePath(control))) return false;
  }
  return EpochsOf(session, controls) == versions_;
}

}  // namespace baton::operations
