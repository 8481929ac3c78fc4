#include "zk/batch_writer.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "baton/error.h"
#include "util/interrupt.h"
#include "zk/completion_queue.h"
#include "zk/multi_op.h"

namespace baton::zk {

enum class OpKind { kContainer, kCreate, kSet, kDelete };

struct BatchWriter::Op {
  OpKind kind;
  std::string path;
  std::string data;
  std::shared_ptr<const Acl> acl = {};
};

struct BatchWriter::Batch {
  std::vector<Op> ops;
  size_t bytes = 0;
  // Filled when the batch is sent; they point into `ops`.
  std::vector<zoo_op_t> zoo_ops;
  std::vector<zoo_op_result_t> results;
  BatchWriter* writer = nullptr;
  int rc = ZOK;
  size_t first = 0;  // 1 when zoo_ops[0] is the fence's check op

  // The path of the op that failed: ZooKeeper marks the ops before it ZOK
  // and those after it ZRUNTIMEINCONSISTENCY. The first op when the results
  // say nothing (a single create, a request that got no answer).
  const std::string& FailedPath() const {
    for (size_t i = first; i < results.size() && i - first < ops.size(); ++i) {
      if (results[i].err != ZOK && results[i].err != ZRUNTIMEINCONSISTENCY) {
        return ops[i - first].path;
      }
    }
    return ops.front().path;
  }
};

namespace {

// What one operation adds to a request: the path and data, and room for the
// op header, ACL and lengths.
constexpr size_t kOpOverhead = 64;

}  // namespace

void BatchWriter::OnCreate(int rc, const char* /*path*/, const void* context) {
  OnMulti(rc == ZNODEEXISTS ? ZOK : rc, context);
}

void BatchWriter::OnMulti(int rc, const void* context) {
  auto* batch = static_cast<Batch*>(const_cast<void*>(context));
  batch->rc = rc;
  batch->writer->queue_.Push(batch);
}

BatchWriter::BatchWriter(ZkSession& session, size_t max_batch_bytes, int max_batch_ops,
                         int max_in_flight)
    : session_(session),
      max_batch_bytes_(max_batch_bytes),
      max_batch_ops_(max_batch_ops),
      max_in_flight_(max_in_flight) {}

BatchWriter::~BatchWriter() {
  // Completions still reference the batches: wait for them.
  queue_.Drain();
}

void BatchWriter::EnsureContainer(std::string path) {
  // The 3.8 C client mis-parses multi responses that contain a CONTAINER
  // create (it asserts in deserialize_multi), so containers travel as single
  // creates between the multi-ops. Session order still holds.
  Send();
  Add({OpKind::kContainer, std::move(path), {}});
  Send();
}

void BatchWriter::Create(std::string path, std::string data, std::shared_ptr<const Acl> acl) {
  Add({OpKind::kCreate, std::move(path), std::move(data), std::move(acl)});
}

void BatchWriter::Set(std::string path, std::string data) {
  Add({OpKind::kSet, std::move(path), std::move(data)});
}

void BatchWriter::Delete(std::string path) { Add({OpKind::kDelete, std::move(path), {}}); }

void BatchWriter::Add(Op op) {
  size_t bytes = op.path.size() + op.data.size() + kOpOverhead;
  if (open_ && (open_->bytes + bytes > max_batch_bytes_ ||
                static_cast<int>(open_->ops.size()) >= max_batch_ops_)) {
    Send();
  }
  if (!open_) open_ = std::make_unique<Batch>();
  open_->bytes += bytes;
  open_->ops.push_back(std::move(op));
}

void BatchWriter::Send() {
  if (!open_) return;
  util::ThrowIfInterrupted();
  while (static_cast<int>(in_flight_.size()) >= max_in_flight_) WaitOne();
  Batch& batch = *open_;
  batch.writer = this;
  batch.first = fence_.empty() ? 0 : 1;  // the fence's check op goes first
  const size_t first = batch.first;
  batch.zoo_ops.resize(first + batch.ops.size());
  batch.results.resize(first + batch.ops.size());
  if (first == 1) zoo_check_op_init(&batch.zoo_ops[0], fence_.c_str(), -1);
  for (size_t i = 0; i < batch.ops.size(); ++i) {
    Op& op = batch.ops[i];
    zoo_op_t& z = batch.zoo_ops[first + i];
    int len = static_cast<int>(op.data.size());
    switch (op.kind) {
      case OpKind::kContainer:  // sent on its own, see EnsureContainer
        break;
      case OpKind::kCreate:
        zoo_create_op_init(&z, op.path.c_str(), op.data.data(), len,
                           op.acl ? op.acl->get() : session_.acl(), ZOO_PERSISTENT, nullptr, 0);
        break;
      case OpKind::kSet:
        zoo_set_op_init(&z, op.path.c_str(), op.data.data(), len, -1, nullptr);
        break;
      case OpKind::kDelete:
        zoo_delete_op_init(&z, op.path.c_str(), -1);
        break;
    }
  }
  queue_.Expect();
  int rc;
  if (batch.ops.front().kind == OpKind::kContainer) {
    rc = zoo_acreate(session_.handle(), batch.ops.front().path.c_str(), "", 0, session_.acl(),
                     ZOO_CONTAINER, &OnCreate, &batch);
  } else {
    rc = zoo_amulti(session_.handle(), static_cast<int>(batch.zoo_ops.size()), batch.zoo_ops.data(),
                    batch.results.data(), &OnMulti, &batch);
  }
  if (rc != ZOK) {
    queue_.Cancel();
    ThrowZkError(rc, "write batch at", batch.ops.front().path);
  }
  in_flight_.push_back(std::move(open_));
}

void BatchWriter::WaitOne() {
  Batch* done = queue_.Pop();
  if (done != in_flight_.front().get()) {
    throw Error("ZooKeeper answered multi-ops out of order");
  }
  if (done->rc == ZOK) {
    in_flight_.pop_front();
    return;
  }
  if (IsConnectionLoss(done->rc) || done->rc == ZNOAUTH) {
    ThrowZkError(done->rc, "writing", done->FailedPath());
  }
  if (!fence_.empty() && done->ops.front().kind != OpKind::kContainer &&
      done->results[0].err != ZOK) {
    while (queue_.outstanding() > 0) queue_.Pop();
    in_flight_.clear();
    throw LockLost("the lock " + fence_ +
                   " is no longer held (the session expired or another owner took over): "
                   "nothing more was written");
  }
  // Later batches may have depended on this one: wait for them all, then
  // replay this one and every later one in order.
  spdlog::debug("multi-op failed at {} ({}); replaying {} batches one op at a time",
                done->FailedPath(), zerror(done->rc), in_flight_.size());
  while (queue_.outstanding() > 0) queue_.Pop();
  for (auto& batch : in_flight_) Replay(*batch);
  in_flight_.clear();
}

void BatchWriter::Replay(Batch& batch) {
  ++replayed_batches_;
  for (Op& op : batch.ops) {
    util::ThrowIfInterrupted();
    switch (op.kind) {
      case OpKind::kContainer:
        session_.EnsureContainers(op.path);
        break;
      case OpKind::kCreate:
      case OpKind::kSet:
        ReplayPut(op);
        break;
      case OpKind::kDelete:
        ReplayDelete(op);
        break;
    }
  }
}

// A fenced multi-op of one op (none without a fence): ZOK or the op's code.
int BatchWriter::RunOne(const std::function<void(MultiOp&)>& add) {
  MultiOp multi;
  if (!fence_.empty()) multi.Fence(fence_);
  add(multi);
  return multi.TryRun(session_);
}

// Create-or-update, as ZkSession::Put, with every write fenced.
void BatchWriter::ReplayPut(const Op& op) {
  const ACL_vector* acl = op.acl ? op.acl->get() : nullptr;
  for (int attempt = 1;; ++attempt) {
    int rc = RunOne([&](MultiOp& m) { m.Set(op.path, op.data); });
    if (rc == ZOK) return;
    if (rc != ZNONODE) session_.Fail(rc, "write", op.path);
    session_.EnsureContainers(op.path.substr(0, op.path.rfind('/')));
    rc = RunOne([&](MultiOp& m) { m.Create(op.path, op.data, ZOO_PERSISTENT, acl); });
    if (rc == ZOK) return;
    if (rc == ZNONODE && attempt < kReapedParentAttempts) continue;  // the parent was reaped
    session_.Fail(rc, "create", op.path);
  }
}

void BatchWriter::ReplayDelete(const Op& op) {
  int rc = RunOne([&](MultiOp& m) { m.Delete(op.path); });
  if (rc != ZOK && rc != ZNONODE) session_.Fail(rc, "delete", op.path);
}

void BatchWriter::Flush() {
  Send();
  while (!in_flight_.empty()) WaitOne();
}

}  // namespace baton::zk
