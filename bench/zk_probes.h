// The requests the benchmark compares Baton with, written directly with the
// ZooKeeper C client: the physical limits (everything pipelined, creates in
// multi batches) and the baselines (a naive one-request-at-a-time script,
// and Marathon's algorithm: reads with at most 32 requests in flight, a
// restore that writes one node at a time, setData and create on NoNode).
#pragma once

#include <zookeeper/zookeeper.h>

#include <chrono>
#include <cstdint>

#include "bench_tree.h"

namespace baton::bench {

// Bounds a baseline that would take too long on a big tree: it stops after
// this many nodes or this long, and its rate is measured over what it did.
struct Budget {
  uint64_t max_nodes = UINT64_MAX;
  std::chrono::seconds max_time{600};
};

// Seconds on the steady clock since `start`.
inline double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct ProbeResult {
  uint64_t nodes = 0;  // nodes done
  uint64_t bytes = 0;  // value bytes moved
  double seconds = 0;
};

// getData on every node with `window` requests in flight.
ProbeResult PipelinedRead(zhandle_t* zh, const BenchTree& tree, int window);
// Creates every node in multi-ops of at most `max_ops` and `max_bytes` each,
// `window` of them in flight.
ProbeResult MultiCreate(zhandle_t* zh, const BenchTree& tree, int max_ops, size_t max_bytes,
                        int window);
// A naive script: list each parent, get each node, one request at a time.
ProbeResult SequentialRead(zhandle_t* zh, const BenchTree& tree, Budget budget);
// A naive script: create each node, one request at a time.
ProbeResult SequentialCreate(zhandle_t* zh, const BenchTree& tree, Budget budget);
// Marathon's backup: getChildren on each parent and getData on each node,
// at most 32 in flight (zk_max_concurrency's default).
ProbeResult MarathonRead(zhandle_t* zh, const BenchTree& tree, Budget budget);
// Marathon's restore: per node, setData, and create when it answers NoNode,
// one at a time.
ProbeResult MarathonWrite(zhandle_t* zh, const BenchTree& tree, Budget budget);

// zkcopy's read (ksprojects/zkcopy, its defaults): `workers` threads, each
// reading one node at a time, its data and then its children.
ProbeResult ZkcopyRead(zhandle_t* zh, const BenchTree& tree, int workers, Budget budget);
// zkcopy's write: per node an exists, then a create queued into a
// transaction committed every `batch_ops` operations (one at a time), and a
// listing of its children (to delete what the source lacks). Batches
// also end before 1 MB: zkcopy's default of 1,000 ops would pass
// jute.maxbuffer with this tree's values.
ProbeResult ZkcopyWrite(zhandle_t* zh, const BenchTree& tree, int batch_ops, Budget budget);

}  // namespace baton::bench
