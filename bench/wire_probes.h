// The read limits measured on Baton's own wire session (zk/wire): what the
// server does with batched reads (multiRead, ZooKeeper 3.6+) and with the
// one read multiRead cannot carry (getACL). Raw probes: no archive, no
// checks, just the requests, so they are the ceiling a backup is held to.
#pragma once

#include <cstdint>
#include <string>

#include "baton/zk_url.h"
#include "bench_tree.h"
#include "zk_probes.h"

namespace baton::bench {

// How a multiRead probe batches: nodes per request and requests in flight.
struct Batching {
  int nodes = 500;
  int window = 8;
};

// The whole tree under `root`, level by level as a backup walks it: each
// node's getData and getChildren in multiRead batches, the children listed
// going into the next batches. Counts every node under and including root.
ProbeResult MultiReadTree(const ZkUrl& url, const std::string& root, Batching batching);
// getData of every node of `tree` (paths known beforehand) in multiRead batches.
ProbeResult MultiReadData(const ZkUrl& url, const BenchTree& tree, Batching batching);
// getACL of every node of `tree`, `window` requests in flight on each of
// `sessions` wire sessions (one thread each), the nodes dealt out in turn.
ProbeResult PipelinedAcl(const ZkUrl& url, const BenchTree& tree, int sessions, int window);

}  // namespace baton::bench
