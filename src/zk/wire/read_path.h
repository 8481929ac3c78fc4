// Which way Baton reads a tree from an ensemble. ZooKeeper 3.6+ answers a
// batch of reads in one request (multiRead, op 22), which Baton sends on its
// own wire session (zk/wire/multi_read_reader.h); older servers (DC/OS ran
// 3.4 and 3.5) do not know the op, and reads go through the C client's
// pipelined single requests instead (zk/node_reader.h's PipelinedReader).
//
// Thread safety: SupportsMultiRead may be called from any thread; the
// answer is kept per ensemble for the life of the process.
#pragma once

#include "baton/zk_url.h"

namespace baton::zk::wire {

// Whether the servers of `url` answer multiRead. Found out once per process
// and ensemble, with an empty multiRead on a session of its own, and logged.
// A server that does not know the op answers ZUNIMPLEMENTED and closes the
// connection (3.4, 3.5) or just closes it: both mean no. Throws
// ConnectionLost when no server can be reached at all.
bool SupportsMultiRead(const ZkUrl& url, const ZkTimeouts& timeouts);

// Forgets what SupportsMultiRead found, for tests that put other servers
// behind the same address.
void ForgetReadPaths();

}  // namespace baton::zk::wire
