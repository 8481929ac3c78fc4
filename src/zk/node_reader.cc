#include "zk/node_reader.h"

#include <algorithm>

#include "zk/acl.h"

namespace baton::zk {
namespace {

// The completion callbacks' context: the read, and the queue it goes back by.
struct InFlight {
  NodeRead* read;
  CompletionQueue<std::unique_ptr<NodeRead>>* queue;
};

void HandBack(const void* context, int rc) {
  std::unique_ptr<const InFlight> in_flight(static_cast<const InFlight*>(context));
  in_flight->read->rc = rc;
  in_flight->queue->Push(std::unique_ptr<NodeRead>(in_flight->read));
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
  if (rc == ZOK && stat != nullptr) read.stat = *stat;
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
  }
  if (rc != ZOK) {
    queue_.Cancel();
    delete context;
    ThrowZkError(rc, "read", read->path);
  }
  read.release();  // the completion hands it back through Take()
}

}  // namespace baton::zk
