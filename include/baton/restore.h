// Restore: validates a whole backup, then replaces the state under
// <zk-path>/state with it.
#pragma once

#include <cstdint>
#include <string>

#include "baton/zk_url.h"

namespace baton {

struct RestoreOptions {
  ZkUrl zk;
  ZkTimeouts timeouts;
  std::string backup_location;
  // Upper bound on the request bytes of one multi-op; ZooKeeper rejects
  // requests over jute.maxbuffer (1 MiB by default).
  size_t max_batch_bytes = 512 * 1024;
  int max_batch_ops = 1000;
  // Multi-ops in flight at once.
  int max_in_flight = 8;
  // Listing requests in flight at once while the old state is walked.
  int max_reads_in_flight = 2000;
};

struct RestoreStats {
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t bytes = 0;
  uint64_t deleted_nodes = 0;
  bool has_storage_version = false;
};

RestoreStats Restore(const RestoreOptions& options);

}  // namespace baton
