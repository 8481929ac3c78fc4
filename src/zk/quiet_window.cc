#include "zk/quiet_window.h"

#include <spdlog/spdlog.h>

#include "baton/error.h"

namespace baton::zk {

QuietWindow::QuietWindow(ZkSession& session, const std::string& prefix, const std::string& data)
    : session_(session) {
  char created[1024] = {};
  Stat stat{};
  auto create = [&] {
    return zoo_create2(session.handle(), prefix.c_str(), data.data(), static_cast<int>(data.size()),
                       session.acl(), ZOO_EPHEMERAL_SEQUENTIAL, created, sizeof created - 1, &stat);
  };
  int rc = create();
  if (rc == ZNONODE) {  // a control path no restore made yet (a tree's, under /baton)
    try {
      session.EnsureContainers(prefix.substr(0, prefix.rfind('/')));
      rc = create();
    } catch (const Error& e) {
      spdlog::debug("cannot create {}: {}", prefix.substr(0, prefix.rfind('/')), e.what());
    }
  }
  if (rc != ZOK) {
    spdlog::debug("cannot create {}*: {}; every node read will be checked again", prefix,
                  zerror(rc));
    return;
  }
  path_ = created;
  start_zxid_ = stat.czxid;
}

QuietWindow::~QuietWindow() {
  if (!path_.empty()) zoo_delete(session_.handle(), path_.c_str(), -1);
}

bool QuietWindow::Close() {
  if (path_.empty()) return false;
  Stat stat{};
  int rc = zoo_set2(session_.handle(), path_.c_str(), "", 0, -1, &stat);
  if (rc != ZOK) return false;
  return stat.mzxid == start_zxid_ + 1;
}

}  // namespace baton::zk
