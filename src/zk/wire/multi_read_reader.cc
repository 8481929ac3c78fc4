#include "zk/wire/multi_read_reader.h"

#include <algorithm>
#include <string>
#include <utility>

#include "baton/error.h"
#include "zk/acl.h"
#include "zk/zk_session.h"

namespace baton::zk::wire {
namespace {

// The first batch's ops: small until the sizes of replies are known.
constexpr int kFirstOps = 32;

bool Lists(const NodeRead& read) {
  return read.op == NodeRead::kChildren || read.op == NodeRead::kNode;
}
int OpsOf(const NodeRead& read) { return Lists(read) ? 2 : 1; }

void SetAcl(NodeRead& read, const AclReply& reply) {
  read.stat = reply.stat;
  // Acl speaks the C client's ACL_vector: one pointing into `reply`.
  std::vector<ACL> entries;
  entries.reserve(reply.acl.size());
  for (const AclEntry& entry : reply.acl) {
    entries.push_back(ACL{entry.perms, Id{const_cast<char*>(entry.scheme.c_str()),
                                          const_cast<char*>(entry.id.c_str())}});
  }
  ACL_vector vector{static_cast<int32_t>(entries.size()), entries.data()};
  read.acl = Acl::IsOpen(vector) ? "" : Acl::ToText(vector);
}

void SetSingle(NodeRead& read, const Reply& reply) {
  read.rc = reply.header.err;
  if (read.rc != ZOK) return;
  if (read.op == NodeRead::kStat) {
    read.stat = DecodeExists(reply.body());
  } else {
    SetAcl(read, DecodeGetAcl(reply.body()));
  }
}

// A kStat goes in a batch, as a getData, only for a node known to be small:
// its data comes back with its Stat, and a checked tree's large values must
// not fill batches (and the server's heap) again.
bool BatchedStat(const NodeRead& read) {
  return read.size_hint >= 0 && read.size_hint <= MultiReadReader::kBatchedStatBytes;
}

// A kStat the batch's getData could not answer: exists needs no read
// permission, getData does.
bool NeedsExists(const NodeRead& read) { return read.op == NodeRead::kStat && read.rc == ZNOAUTH; }

}  // namespace

MultiReadReader::MultiReadReader(WireSession& session, Limits limits,
                                 const std::vector<WireSession*>& acl_sessions)
    : limits_(limits), ops_limit_(std::min(kFirstOps, limits.max_ops)) {
  lanes_.push_back(Lane{&session, {}});
  for (WireSession* acl : acl_sessions) lanes_.push_back(Lane{acl, {}});
}

void MultiReadReader::Send(std::unique_ptr<NodeRead> read) { Add(std::move(read), false); }

void MultiReadReader::Add(std::unique_ptr<NodeRead> read, bool counted) {
  if (!counted) ++outstanding_;
  if (lost_) {
    read->rc = ZCONNECTIONLOSS;
    ready_.push_back(std::move(read));
    return;
  }
  if (read->op == NodeRead::kAcl || (read->op == NodeRead::kStat && !BatchedStat(*read))) {
    while (!lost_ && singles_in_flight_ >= limits_.singles) ReceiveOne();
    SendSingle(std::move(read));
    return;
  }
  if (static_cast<int>(batch_.ops.size()) + OpsOf(*read) > ops_limit_ && !batch_.ops.empty()) {
    while (!lost_ && batches_in_flight_ >= limits_.batches) ReceiveOne();
    SendBatch();
    if (lost_) return Add(std::move(read), /*counted=*/true);
  }
  if (Lists(*read)) batch_.ops.push_back({kOpGetData, read->path});
  batch_.ops.push_back({Lists(*read) ? kOpGetChildren : kOpGetData, read->path});
  batch_reads_.push_back(std::move(read));
}

std::unique_ptr<NodeRead> MultiReadReader::Take() {
  // Bounded: every turn sends the held batch or takes a reply in.
  while (ready_.empty()) {
    while (!retry_.empty() && !lost_) {
      std::unique_ptr<NodeRead> again = std::move(retry_.front());
      retry_.pop_front();
      Add(std::move(again), /*counted=*/true);
    }
    if (batches_in_flight_ == 0 && !batch_reads_.empty()) SendBatch();
    if (ready_.empty()) ReceiveOne();
  }
  std::unique_ptr<NodeRead> read = std::move(ready_.front());
  ready_.pop_front();
  --outstanding_;
  return read;
}

void MultiReadReader::SendBatch() {
  if (lost_) return FailAll();
  InFlight sent;
  sent.batch = true;
  sent.ops = batch_.ops.size();
  sent.reads = std::move(batch_reads_);
  batch_reads_.clear();
  try {
    sent.xid = lanes_[0].session->Send(batch_);
  } catch (const ConnectionLost&) {
    batch_reads_ = std::move(sent.reads);
    return FailAll();
  }
  batch_.ops.clear();
  sent.seq = next_seq_++;
  lanes_[0].in_flight.push_back(std::move(sent));
  ++batches_in_flight_;
  ++batches_sent_;
}

void MultiReadReader::SendSingle(std::unique_ptr<NodeRead> read) {
  Request request{read->op == NodeRead::kStat ? kOpExists : kOpGetAcl, read->path, {}, ""};
  // getACL goes round the ACL lanes, when there are any.
  Lane& lane = read->op == NodeRead::kAcl && lanes_.size() > 1
                   ? lanes_[1 + next_acl_lane_++ % (lanes_.size() - 1)]
                   : lanes_[0];
  InFlight sent;
  sent.ops = 1;
  sent.seq = next_seq_++;
  sent.reads.push_back(std::move(read));
  try {
    sent.xid = lane.session->SendLater(request);  // flushed before any wait
  } catch (const ConnectionLost&) {
    lane.in_flight.push_back(std::move(sent));  // failed with the rest
    return FailAll();
  }
  lane.in_flight.push_back(std::move(sent));
  ++singles_in_flight_;
}

void MultiReadReader::ReceiveOne() {
  // The lane whose oldest request went out first: the server works on all
  // lanes at once, and the others' replies wait in their sockets meanwhile.
  Lane* lane = nullptr;
  for (Lane& l : lanes_) {
    if (!l.in_flight.empty() && (!lane || l.in_flight.front().seq < lane->in_flight.front().seq)) {
      lane = &l;
    }
  }
  if (!lane) throw Error("ZooKeeper read path: waiting with no request in flight");
  Reply reply;
  try {
    for (Lane& l : lanes_) l.session->Flush();  // what SendSingle queued
    reply = lane->session->Receive();
  } catch (const ConnectionLost&) {
    return FailAll();
  }
  InFlight done = std::move(lane->in_flight.front());
  lane->in_flight.pop_front();
  --(done.batch ? batches_in_flight_ : singles_in_flight_);
  Finish(done, reply);
}

void MultiReadReader::Finish(InFlight& done, const Reply& reply) {
  if (reply.header.err == kErrReplyTooLarge) return Retry(done, reply);
  if (done.batch) {
    FinishBatch(done, reply);
  } else {
    SetSingle(*done.reads.front(), reply);
  }
  for (auto& read : done.reads) {
    if (done.batch && NeedsExists(*read)) {
      SendSingle(std::move(read));  // rare: past the singles' limit is fine
    } else {
      ready_.push_back(std::move(read));
    }
  }
}

void MultiReadReader::FinishBatch(InFlight& done, const Reply& reply) {
  if (reply.header.err == ZUNIMPLEMENTED) {
    throw MultiReadRefused("ZooKeeper at " + lanes_[0].session->server() +
                           " does not know multiRead (a server before 3.6)");
  }
  if (reply.header.err != ZOK) {  // the whole request failed
    for (auto& read : done.reads) read->rc = reply.header.err;
    return;
  }
  std::vector<MultiResult> results = DecodeMultiRead(reply.body(), done.ops);
  if (results.size() != done.ops) {
    throw Error("ZooKeeper answered " + std::to_string(results.size()) + " of " +
                    std::to_string(done.ops) + " reads of a multiRead",
                ErrorKind::kUnavailable);
  }
  // The result at `at`, which must answer `type` or be an error.
  auto next = [&](size_t at, int32_t type) -> MultiResult& {
    if (results[at].type != type && results[at].type != kOpError) {
      throw Error("ZooKeeper answered a multiRead op with op " + std::to_string(results[at].type),
                  ErrorKind::kUnavailable);
    }
    return results[at];
  };
  size_t at = 0;
  for (auto& read : done.reads) {
    MultiResult& first = next(at++, kOpGetData);
    if (Lists(*read)) {
      MultiResult& list = next(at++, kOpGetChildren);
      read->rc = list.type == kOpError ? list.err : first.type == kOpError ? first.err : ZOK;
      if (read->rc != ZOK) continue;
      read->stat = first.stat;
      if (read->op == NodeRead::kNode) read->data = std::move(first.data);
      read->children = std::move(list.children);
      // Sorted, as PipelinedReader's: walks of the same tree go in the same order.
      std::sort(read->children.begin(), read->children.end());
    } else {
      read->rc = first.type == kOpError ? first.err : ZOK;
      if (read->rc != ZOK) continue;
      if (read->op == NodeRead::kData) read->data = std::move(first.data);
      read->stat = first.stat;
    }
  }
  Learn(reply.frame.size(), done.ops);
}

// Follows the reply bytes per op (half old, half new), and lets the next
// batch hold what fits batch_bytes, growing at most twofold per reply.
void MultiReadReader::Learn(size_t reply_bytes, size_t ops) {
  double per_op = static_cast<double>(reply_bytes) / static_cast<double>(std::max<size_t>(ops, 1));
  bytes_per_op_ = bytes_per_op_ == 0 ? per_op : (bytes_per_op_ + per_op) / 2;
  double fit = static_cast<double>(limits_.batch_bytes) / std::max(bytes_per_op_, 1.0);
  double next = std::min(fit, 2.0 * ops_limit_);
  ops_limit_ = static_cast<int>(std::clamp(next, 2.0, static_cast<double>(limits_.max_ops)));
}

// Sends the reads of a batch whose reply was too large again, in batches a
// quarter as big (Take() sends them), and lets the next batches grow from there.
void MultiReadReader::Retry(InFlight& done, const Reply& reply) {
  if (done.reads.size() == 1) {
    throw Error("ZooKeeper's reply for " + done.reads.front()->path + " has " +
                    std::to_string(reply.skipped_bytes) + " bytes, more than Baton reads at once",
                ErrorKind::kUnavailable);
  }
  // Down to one op a batch (a kChildren read still goes whole, alone): a
  // floor of two sent two reads too large together back forever.
  ops_limit_ = std::max(1, static_cast<int>(done.ops / 4));
  bytes_per_op_ = std::max(
      bytes_per_op_, static_cast<double>(reply.skipped_bytes) / static_cast<double>(done.ops));
  for (auto& read : done.reads) retry_.push_back(std::move(read));
}

// The session is gone: every read held or in flight comes back failed.
void MultiReadReader::FailAll() {
  lost_ = true;
  for (Lane& lane : lanes_) {
    for (InFlight& sent : lane.in_flight) {
      for (auto& read : sent.reads) {
        read->rc = ZCONNECTIONLOSS;
        ready_.push_back(std::move(read));
      }
    }
    lane.in_flight.clear();
  }
  batches_in_flight_ = singles_in_flight_ = 0;
  for (auto& read : batch_reads_) {
    read->rc = ZCONNECTIONLOSS;
    ready_.push_back(std::move(read));
  }
  batch_reads_.clear();
  batch_.ops.clear();
  for (auto& read : retry_) {
    read->rc = ZCONNECTIONLOSS;
    ready_.push_back(std::move(read));
  }
  retry_.clear();
}

}  // namespace baton::zk::wire
