// The one seam every tree walk reads ZooKeeper through: reads go out with
// many in flight and come back in any order, each carrying the caller's own
// context. PipelinedReader sends one asynchronous request per read; a reader
// that batches reads (ZooKeeper 3.6+'s multiRead) is a second implementation
// of the same interface: Send() may hold reads back until Take() needs one.
#pragma once

#include <zookeeper/zookeeper.h>

#include <memory>
#include <string>
#include <vector>

#include "zk/completion_queue.h"
#include "zk/zk_session.h"

namespace baton::zk {

// One read and, once taken back, its reply. Callers derive from it to carry
// their own context: the reader hands back the very object it was given.
struct NodeRead {
  // kNode: a node's data and children at once, for walks that keep both
  // (two ops of a multiRead batch, two requests of the C client).
  enum Op { kData, kChildren, kStat, kAcl, kNode };

  NodeRead(Op op_in, std::string path_in) : op(op_in), path(std::move(path_in)) {}
  virtual ~NodeRead() = default;

  Op op;
  std::string path;
  // kStat: the node's data length when the caller knows it (-1: unknown). A
  // batching reader may read a small node's Stat with its data (getData),
  // never a large or unknown one's.
  int32_t size_hint = -1;
  // The reply: rc, and what the op asked for. A missing node is ZNONODE.
  int rc = ZOK;
  std::string data;                   // kData, kNode
  Stat stat{};                        // kData, kChildren, kStat, kNode (the data's)
  std::vector<std::string> children;  // kChildren, kNode, sorted
  std::string acl;                    // kAcl: zk::Acl text, empty for the open ACL
};

// Thread safety: one thread sends and takes; replies are handed over from
// the client's completion thread inside the reader.
class NodeReader {
 public:
  virtual ~NodeReader() = default;

  // Sends `read`. Throws baton::Error if it cannot be sent.
  virtual void Send(std::unique_ptr<NodeRead> read) = 0;
  // The next finished read, blocking until there is one. Only while
  // outstanding() > 0. Throws baton::Error (kInterrupted) on SIGINT/SIGTERM.
  virtual std::unique_ptr<NodeRead> Take() = 0;
  // Reads sent and not taken back yet.
  virtual int outstanding() const = 0;
};

// One asynchronous request of the C client per read.
class PipelinedReader final : public NodeReader {
 public:
  explicit PipelinedReader(ZkSession& session) : session_(session) {}
  // Waits for the reads still in flight: their callbacks reference this.
  ~PipelinedReader() override { queue_.Drain(); }
  PipelinedReader(const PipelinedReader&) = delete;
  PipelinedReader& operator=(const PipelinedReader&) = delete;

  void Send(std::unique_ptr<NodeRead> read) override;
  std::unique_ptr<NodeRead> Take() override { return queue_.Pop(); }
  int outstanding() const override { return queue_.outstanding(); }

 private:
  ZkSession& session_;
  CompletionQueue<std::unique_ptr<NodeRead>> queue_;
};

}  // namespace baton::zk
