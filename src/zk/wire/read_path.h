// Which way Baton reads a tree from an ensemble. ZooKeeper 3.6+ answers a
// batch of reads in one request (multiRead, op 22), which Baton sends on its
// own wire session (zk/wire/multi_read_reader.h); older servers (DC/OS ran
// 3.4 and 3.5) do not know the op, and reads go through the C client's
// pipelined single requests instead (zk/node_reader.h's PipelinedReader).
//
// Thread safety: SupportsMultiRead may be called from any thread; the
// answer is kept per ensemble for the life of the process.
#pragma once

#include <memory>
#include <string>

#include "baton/zk_url.h"
#include "zk/node_reader.h"
#include "zk/zk_session.h"

namespace baton::zk::wire {

// Whether the servers of `url` answer multiRead. Found out once per process
// and ensemble, with an empty multiRead on a session of its own, and logged.
// A server that does not know the op answers ZUNIMPLEMENTED and closes the
// connection (3.4, 3.5) or just closes it: both mean no. Throws
// ConnectionLost when no server can be reached at all.
bool SupportsMultiRead(const ZkUrl& url, const ZkTimeouts& timeouts);

class WireSession;

// The reads of one tree walk: multiRead batches on a wire session of its own
// where `multi_read` (SupportsMultiRead), else the C client's pipelined
// requests on `session`.
//
// A new session and its end are writes (transactions) to ZooKeeper, so the
// wire session is opened by the constructor and closed by the destructor,
// outside a backup's quiet window; Sync(), inside it, makes the server read
// from catch up with the ensemble's leader, so the walk sees every write
// acknowledged before: the point-in-time proof relies on that, since the
// wire session may talk to another server than `session`.
//
// `acl_sessions` further wire sessions carry the walk's getACL requests
// (which multiRead cannot batch) beside the batches, each starting from the
// next server of the ensemble; worth it only for a walk that reads ACLs.
//
// Thread safety: none; the walk's thread opens, reads and closes it.
class WalkReads {
 public:
  WalkReads(ZkSession& session, const ZkTimeouts& timeouts, bool multi_read, int acl_sessions = 0);
  ~WalkReads();
  WalkReads(const WalkReads&) = delete;
  WalkReads& operator=(const WalkReads&) = delete;

  // Catches up on `path`, on every session; then reader() reads.
  void Sync(const std::string& path);
  NodeReader& reader() { return *reader_; }

 private:
  ZkSession& session_;
  std::vector<std::unique_ptr<WireSession>> wires_;  // [0]: the batches
  std::unique_ptr<NodeReader> reader_;
};

// A walk met a server of `url` that refused multiRead after
// SupportsMultiRead said yes (a mixed ensemble): from now on the answer is
// no, logged once.
void NoteMultiReadRefused(const ZkUrl& url, const std::string& why);

// Forgets what SupportsMultiRead found, for tests that put other servers
// behind the same address.
void ForgetReadPaths();

}  // namespace baton::zk::wire
