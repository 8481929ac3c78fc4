#include "zk/node_reader.h"

#include <algorithm>
#include <atomic>

#include "zk/acl.h"

namespace baton::zk {
namespace {

// The completion callbacks' context: the read, the queue it goes back by,
// and how many replies it still waits for (kNode sends two requests). The
// client calls completions one at a time, on its completion thread.
struct InFlight {
  NodeRead* read;
  CompletionQueue<std::unique_ptr<NodeRead>>* queue;
  std::atomic<int> parts{1};
  // The first failure among the parts; a kNode read's second request may
  // fail on the sending thread while the first reply comes back.
  std::atomic<int> rc{ZOK};
};

void HandBack(const void* context, int rc) {
  auto* in_flight = static_cast<InFlight*>(const_cast<void*>(context));
  int none = ZOK;
  if (rc != ZOK) in_flight->rc.compare_exchange_strong(none, rc);
  if (--in_flight->parts > 0) return;
  std::unique_ptr<InFlight> done(in_flight);
  done->read->rc = done->rc.load();
  done->queue->Push(std::unique_ptr<NodeRead>(done->read));
}

NodeRead& ReadOf(const void* context) { return *static_cast<const InFlight*>(context)->read; }

void OnData(int rc, const char* value, int len, const Stat* stat, const void* context) {
  NodeRead& read = ReadOf(context);
  if (rc == ZOK && value != nullptr && len > 0) read.data.assign(value, static_cast<size_t>(len));
  if (rc == ZOK && stat != nullptr) read.stat = *stat;
  HandBack(context, rc);
}

void OnChildren(int rc, const String_vector* names, const Stat* stat, const void* context) {
  NodeRead& read = ReadOf(context);
  // A kNode read keeps its data's Stat (that reply came first).
  if (rc == ZOK && stat != nullptr && read.op != NodeRead::kNode) read.stat = *stat;
  if (rc == ZOK && names != nullptr) {
    read.children.assign(names->data, names->data + names->count);
    // Sorted, so that walks of the same tree go in the same order.
    std::sort(read.children.begin(), read.children.end());
  }
  HandBack(context, rc);
}

void OnStat(int rc, const Stat* stat, const void* context) {
  if (rc == ZOK && stat != nullptr) ReadOf(context).stat = *stat;
  HandBack(context, rc);
}

void OnAcl(int rc, ACL_vector* acl, Stat* stat, const void* context) {
  NodeRead& read = ReadOf(context);
  if (rc == ZOK && stat != nullptr) read.stat = *stat;
  if (rc == ZOK && acl != nullptr && !Acl::IsOpen(*acl)) read.acl = Acl::ToText(*acl);
  HandBack(context, rc);
}

}  // namespace

void PipelinedReader::Send(std::unique_ptr<NodeRead> read) {
  zhandle_t* zh = session_.handle();
  const char* path = read->path.c_str();
  auto* context = new InFlight{read.get(), &queue_};
  queue_.Expect();
  int rc = ZOK;
  switch (read->op) {
    case NodeRead::kData:
      rc = zoo_aget(zh, path, 0, &OnData, context);
      break;
    case NodeRead::kChildren:
      rc = zoo_aget_children2(zh, path, 0, &OnChildren, context);
      break;
    case NodeRead::kStat:
      rc = zoo_aexists(zh, path, 0, &OnStat, context);
      break;
    case NodeRead::kAcl:
      rc = zoo_aget_acl(zh, path, &OnAcl, context);
      break;
    case NodeRead::kNode:
      context->parts = 2;
      rc = zoo_aget(zh, path, 0, &OnData, context);
      if (rc != ZOK) break;
      if (int second = zoo_aget_children2(zh, path, 0, &OnChildren, context); second != ZOK) {
        // Counts as the second reply, failed: whichever of this and the
        // first reply comes last hands the read back.
        HandBack(context, second);
      }
      break;
  }
  if (rc != ZOK) {
    queue_.Cancel();
    delete context;
    ThrowZkError(rc, "read", read->path);
  }
  read.release();  // the completion hands it back through Take()
}

}  // namespace baton::zk
