#include "zk/multi_op.h"

#include <future>

namespace baton::zk {

namespace {

// Runs `ops` and waits for the answer. The C client's synchronous zoo_multi
// leaks an entry per op when the connection is lost while it waits (its
// synchronous path frees only the request's own entry); the asynchronous
// path frees them all, so the wait is ours.
int RunAndWait(ZkSession& session, std::vector<zoo_op_t>& ops,
               std::vector<zoo_op_result_t>& results) {
  std::promise<int> promise;
  std::future<int> answer = promise.get_future();
  int rc = zoo_amulti(session.handle(), static_cast<int>(ops.size()), ops.data(), results.data(),
                      &SetPromisedCode, &promise);
  return rc == ZOK ? answer.get() : rc;
}

}  // namespace

MultiOp& MultiOp::Fence(const std::string& lock_node) {
  Check(lock_node);
  fenced_ = ops_.size() == 1;  // only a first check is the fence
  return *this;
}

MultiOp& MultiOp::Check(const std::string& path, int version) {
  zoo_check_op_init(&ops_.emplace_back(), Keep(path).c_str(), version);
  what_.push_back("check " + path);
  return *this;
}

MultiOp& MultiOp::Create(const std::string& path, const std::string& data, int flags,
                         const ACL_vector* acl) {
  const std::string& kept = Keep(data);
  // The created path is not asked for back: sequential nodes are not made here.
  zoo_create_op_init(&ops_.emplace_back(), Keep(path).c_str(), kept.data(),
                     static_cast<int>(kept.size()), acl, flags, nullptr, 0);
  what_.push_back("create " + path);
  return *this;
}

MultiOp& MultiOp::Set(const std::string& path, const std::string& data, int version) {
  const std::string& kept = Keep(data);
  zoo_set_op_init(&ops_.emplace_back(), Keep(path).c_str(), kept.data(),
                  static_cast<int>(kept.size()), version, nullptr);
  what_.push_back("write " + path);
  return *this;
}

MultiOp& MultiOp::Delete(const std::string& path, int version) {
  zoo_delete_op_init(&ops_.emplace_back(), Keep(path).c_str(), version);
  what_.push_back("delete " + path);
  return *this;
}

int MultiOp::TryRun(ZkSession& session, size_t* failed) {
  // A create without an ACL gets the session's; the pointer is set here
  // because the session is known only now.
  for (zoo_op_t& op : ops_) {
    if (op.type == ZOO_CREATE_OP && op.create_op.acl == nullptr) op.create_op.acl = session.acl();
  }
  std::vector<zoo_op_result_t> results(ops_.size());
  const int rc = RunAndWait(session, ops_, results);
  if (rc == ZOK) return ZOK;
  // Without an answer every op carries the connection's code, the fence too.
  if (IsConnectionLoss(rc)) ThrowZkError(rc, "multi-op at", what_.empty() ? "" : what_[0]);
  size_t index = 0;
  while (index < results.size() &&
         (results[index].err == ZOK || results[index].err == ZRUNTIMEINCONSISTENCY)) {
    ++index;
  }
  if (index == results.size()) ThrowZkError(rc, "multi-op at", what_.empty() ? "" : what_[0]);
  if (fenced_ && index == 0) {
    throw LockLost("the lock " + what_[0].substr(6) +
                   " is no longer held (the session expired or another owner took over): "
                   "nothing more was written");
  }
  if (failed != nullptr) *failed = index;
  return results[index].err;
}

void MultiOp::Run(ZkSession& session) {
  size_t failed = 0;
  int rc = TryRun(session, &failed);
  if (rc == ZOK) return;
  const std::string& what = what_[failed];
  size_t space = what.find(' ');
  session.Fail(rc, what.substr(0, space), what.substr(space + 1));
}

}  // namespace baton::zk
