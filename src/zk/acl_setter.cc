#include "zk/acl_setter.h"

#include "zk/completion_queue.h"

namespace baton::zk {
namespace {

using Queue = CompletionQueue<std::pair<int, size_t>>;

struct Request {
  Queue* queue;
  size_t index;
};

void OnSet(int rc, const void* context) {
  std::unique_ptr<const Request> request(static_cast<const Request*>(context));
  request->queue->Push({rc, request->index});
}

}  // namespace

void AclSetter::Finish() {
  Queue queue;
  int failed = ZOK;
  size_t failed_at = 0;
  auto take = [&] {
    auto [rc, index] = queue.Pop();
    if (rc != ZOK && failed == ZOK) {
      failed = rc;
      failed_at = index;
    }
  };
  try {
    for (size_t i = 0; i < pending_.size() && failed == ZOK; ++i) {
      while (queue.outstanding() >= max_in_flight_) take();
      queue.Expect();
      auto* request = new Request{&queue, i};
      // zoo_aset_acl takes a non-const vector it only reads.
      int rc = zoo_aset_acl(session_.handle(), pending_[i].first.c_str(), -1,
                            const_cast<ACL_vector*>(pending_[i].second->get()), &OnSet, request);
      if (rc != ZOK) {
        queue.Cancel();
        delete request;
        ThrowZkError(rc, "set the recorded ACL of", pending_[i].first);
      }
    }
    while (queue.outstanding() > 0) take();
  } catch (...) {
    queue.Drain();  // the callbacks reference the queue
    throw;
  }
  if (failed != ZOK) ThrowZkError(failed, "set the recorded ACL of", pending_[failed_at].first);
  pending_.clear();
}

}  // namespace baton::zk
