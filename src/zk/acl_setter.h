// Sets the ACLs of many nodes, pipelined: a restore creates a node whose
// recorded ACL might lock the restoring session out of it with the
// session's own ACL, writes below and into it, and sets the recorded ACL
// last (setACL has no place in a multi-op, so these go one request each).
//
// Thread safety: none; one thread adds and finishes.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "zk/acl.h"
#include "zk/zk_session.h"

namespace baton::zk {

class AclSetter {
 public:
  explicit AclSetter(ZkSession& session, int max_in_flight = 1000)
      : session_(session), max_in_flight_(max_in_flight) {}

  void Add(std::string path, std::shared_ptr<const Acl> acl) {
    pending_.emplace_back(std::move(path), std::move(acl));
  }
  size_t size() const { return pending_.size(); }
  // Sets every ACL added; throws baton::Error naming the first node whose
  // ACL could not be set.
  void Finish();

 private:
  ZkSession& session_;
  int max_in_flight_;
  std::vector<std::pair<std::string, std::shared_ptr<const Acl>>> pending_;
};

}  // namespace baton::zk
