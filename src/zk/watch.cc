#include "zk/watch.h"

namespace baton::zk {

bool WatchExists(ZkSession& session, const std::string& path, watcher_fn watcher, void* context) {
  Stat stat{};
  const int rc = zoo_wexists(session.handle(), path.c_str(), watcher, context, &stat);
  if (rc == ZNONODE) return false;
  if (rc != ZOK) session.Fail(rc, "watch", path);
  return true;
}

void RemoveWatch(ZkSession& session, const std::string& path, watcher_fn watcher, void* context) {
  zoo_remove_watches(session.handle(), path.c_str(), ZWATCHTYPE_ANY, watcher, context, 1);
}

bool SessionEnded(const ZkSession& session) {
  const int state = zoo_state(session.handle());
  return state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE;
}

}  // namespace baton::zk
