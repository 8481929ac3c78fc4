#include "operations/ownership.h"

#include "baton/error.h"
#include "operations/restore_marker.h"

namespace baton::operations {
namespace {

// Read with exists, which needs no permission on the node.
int32_t EpochOf(zk::ZkSession& session, const std::string& zk_path) {
  Stat stat{};
  int rc = zoo_exists(session.handle(), LockDir(zk_path).c_str(), 0, &stat);
  if (rc == ZNONODE) return -1;
  if (rc != ZOK) session.Fail(rc, "check", LockDir(zk_path));
  return stat.version;
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
                                                 const std::string& what) {
  return zk::ExclusiveLock::TryAcquire(session, LockDir(zk_path), what);
}

RestoreEpoch RestoreEpoch::Begin(zk::ZkSession& session, const std::string& zk_path) {
  RestoreEpoch epoch;
  epoch.zk_path_ = zk_path;
  // The epoch first: a restore that starts after this read bumps it.
  epoch.version_ = EpochOf(session, zk_path);
  RefuseWhileRestoring(session, zk_path);
  return epoch;
}

bool RestoreEpoch::Unchanged(zk::ZkSession& session) const {
  return !session.Exists(RestoreMarker::NodePath(zk_path_)) &&
         EpochOf(session, zk_path_) == version_;
}

}  // namespace baton::operations
