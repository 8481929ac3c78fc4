// A NodeReader (zk/node_reader.h) over Baton's own ZooKeeper session
// (zk/wire/wire_session.h) that batches reads: kData, kChildren and kStat
// reads go out together in multiRead requests (ZooKeeper 3.6+); kAcl, which
// multiRead cannot carry, as single pipelined getACL requests on the same
// connection. Results equal PipelinedReader's.
//
// A kStat read of a node known to be small (NodeRead::size_hint up to
// kBatchedStatBytes) is a getData in a batch whose data is dropped:
// multiRead has no exists, and a batch of getData (the Stat comes with it)
// is served many times faster than as many exists requests. Other kStat
// reads, and those whose getData is refused (ZNOAUTH: exists needs no read
// permission), go as single exists requests.
//
// A kChildren read takes two ops of a batch: getData of the node, then
// getChildren (multiRead's getChildren has no Stat). The Stat is read first,
// so a child added between the two shows in its pzxid no later than in the
// listing: a change is never hidden from a later comparison of pzxids.
//
// Batches: a batch is sent when it holds ops_limit() ops, or when Take()
// has nothing else to wait for. ops_limit() starts small and follows the
// reply bytes per op seen, so that a batch's reply stays near
// Limits::batch_bytes (sizes are unknown before reading); at most
// Limits::batches batches and Limits::singles single requests are in flight;
// Send() takes replies in when either is full.
//
// A batch whose reply is over the session's frame limit (sizes unseen yet)
// is sent again split in four, and the ops limit falls with it; a single
// read whose reply is over it throws baton::Error.
//
// A batch answered ZUNIMPLEMENTED throws MultiReadRefused from Take().
// A lost connection or an expired session (of any of its sessions) hands every read back with rc
// ZCONNECTIONLOSS, as the C client fails its requests (the walk's own
// handling of rc applies); so does every read sent afterwards. A malformed
// reply throws baton::Error (kUnavailable).
//
// Thread safety: none; one thread sends and takes (NodeReader's contract).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "zk/node_reader.h"
#include "zk/wire/protocol.h"
#include "zk/wire/wire_session.h"

namespace baton::zk::wire {

// A server answered a multiRead with ZUNIMPLEMENTED: it predates 3.6 (an
// ensemble in the middle of a rolling upgrade or downgrade). Retryable as a
// lost connection is, but on the pipelined path (read_path.h).
class MultiReadRefused : public ConnectionLost {
 public:
  using ConnectionLost::ConnectionLost;
};

class MultiReadReader final : public NodeReader {
 public:
  struct Limits {
    int max_ops = 500;              // ops per multiRead, at most
    size_t batch_bytes = 2u << 20;  // the reply size a batch aims at
    int batches = 8;                // multiReads in flight
    int singles = 1000;             // exists/getACL requests in flight
  };

  // The largest node (NodeRead::size_hint) whose kStat is read in a batch.
  static constexpr int32_t kBatchedStatBytes = 4096;

  explicit MultiReadReader(WireSession& session) : MultiReadReader(session, Limits{}) {}
  // `acl_sessions`: further sessions that carry the getACL requests, dealt
  // out in turn, so that the server answers them beside the batches
  // (getACL has no batched form). None: they share `session`.
  MultiReadReader(WireSession& session, Limits limits,
                  const std::vector<WireSession*>& acl_sessions = {});
  MultiReadReader(const MultiReadReader&) = delete;
  MultiReadReader& operator=(const MultiReadReader&) = delete;

  void Send(std::unique_ptr<NodeRead> read) override;
  std::unique_ptr<NodeRead> Take() override;
  int outstanding() const override { return outstanding_; }

  // The ops the next batch may hold.
  int ops_limit() const { return ops_limit_; }
  // multiRead requests sent so far.
  int64_t batches_sent() const { return batches_sent_; }

 private:
  struct InFlight {
    int64_t seq = 0;  // the order sent, over every lane
    int32_t xid = 0;
    bool batch = false;
    size_t ops = 0;
    std::vector<std::unique_ptr<NodeRead>> reads;
  };

  // `counted`: already in outstanding_.
  void Add(std::unique_ptr<NodeRead> read, bool counted);
  void SendBatch();
  void SendSingle(std::unique_ptr<NodeRead> read);
  void ReceiveOne();
  void Finish(InFlight& done, const Reply& reply);
  void FinishBatch(InFlight& done, const Reply& reply);
  void Learn(size_t reply_bytes, size_t ops);
  void FailAll();
  void Retry(InFlight& done, const Reply& reply);

  // A session and its requests awaiting replies, in the order sent (one
  // session answers in order).
  struct Lane {
    WireSession* session;
    std::deque<InFlight> in_flight;
  };

  std::deque<Lane> lanes_;  // [0]: batches and exists; the rest getACL (never moved)
  int64_t next_seq_ = 0;
  size_t next_acl_lane_ = 0;
  Limits limits_;
  int ops_limit_;
  double bytes_per_op_ = 0;  // a moving average of the replies seen
  int outstanding_ = 0;
  int batches_in_flight_ = 0;
  int singles_in_flight_ = 0;
  int64_t batches_sent_ = 0;
  bool lost_ = false;

  Request batch_{kOpMultiRead, "", {}, ""};
  std::vector<std::unique_ptr<NodeRead>> batch_reads_;
  std::deque<std::unique_ptr<NodeRead>> ready_;
  // Reads of a batch whose reply was too large, to send again.
  std::deque<std::unique_ptr<NodeRead>> retry_;
};

}  // namespace baton::zk::wire
