// Backup: reads the persistent store under <zk-path>/state and writes it as
// one tar file to a storage location.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "baton/archive_format.h"
#include "baton/env.h"
#include "baton/progress.h"
#include "baton/zk_url.h"

namespace baton {

// The layout every command takes unless --layout says otherwise: Marathon's.
inline constexpr char kDefaultLayout[] = "marathon";

// What a backup reads and how. Each field's initializer is its default, the
// command line's too: baton backup binds its flags straight to these fields.
struct BackupOptions {
  // The ensemble and the service root; the state under <path>/state is read.
  // Required.
  ZkUrl zk;
  ZkTimeouts timeouts = {};
  // How the tree under the path is laid out: "marathon" (the state under
  // <path>/state, Baton's own nodes beside it under <path>).
  std::string layout = kDefaultLayout;
  // Where the backup goes (file://, s3://). Required. May contain
  // {timestamp}, replaced by the time of the backup in UTC
  // ("20261125T011737.123Z"), so that each backup keeps its own file.
  std::string backup_location;
  ArchiveFormat format = ArchiveFormat::kBaton;
  // Record each node's ACL (baton format only). One more request per node:
  // without it a backup reads about twice as fast, and a restore gives
  // nodes the restoring session's ACL.
  bool acls = true;
  // Read the tree in multiRead batches, on a ZooKeeper session of Baton's
  // own, where the servers know it (3.6+); otherwise, or without it, as
  // pipelined single requests of the C client.
  bool multi_read = true;
  // Tree layout: subtrees left out, as globs over the path below the root
  // (fnmatch(3) without flags, so `*` matches `/` too): "/brokers/ids",
  // "/admin/*". A matched node is left out with everything below it; the
  // manifest lists the globs. A restore replaces the whole tree, so what was
  // left out is gone after it: for subtrees a service rebuilds itself.
  std::vector<std::string> exclude = {};
  // Tree layout: leave out the nodes the session may not read (with their
  // subtrees), named in a warning and counted in the manifest, instead of
  // failing. A restore replaces the whole tree, so they are deleted by it
  // (where the restoring session may) unless it merges.
  bool skip_unreadable = false;
  // none, gzip, zstd, or auto: by the location's suffix (.gz/.tgz, .zst/.tzst).
  std::string compression = "auto";
  // Write a record of the backup beside it (NAME.manifest.json: what it
  // holds, its size and SHA-256), so that `baton list`, --latest and
  // `baton prune` know it without downloading it. Not for a stream (a
  // device, a FIFO), which has nothing beside it.
  bool record = true;
  // Requests in flight at once while reading the tree.
  int max_in_flight = 2000;
  // A backup is the tree at one point in time: after reading it, Baton checks
  // that nothing it read has changed, and reads again if something did, at
  // most this many times in all.
  int consistency_attempts = 5;
  // Told of each entry read (phase kReading); none by default.
  ProgressListener progress = {};
  // Storage and clock; tests pass their own (baton/env.h).
  Env env = {};
};

struct BackupStats {
  uint64_t items = 0;     // current values
  uint64_t versions = 0;  // version entries
  uint64_t bytes = 0;     // node data bytes written
  bool has_storage_version = false;
  uint64_t ephemerals = 0;  // tree layout: ephemeral nodes left out
  uint64_t unreadable = 0;  // tree layout: nodes left out that the session may not read
  std::string location;     // where it went, placeholder filled in, secrets redacted
  int64_t zxid = 0;         // the backup is the tree as of this ZooKeeper transaction
  int attempts = 0;         // reads of the tree it took to get a consistent one
  // Nothing at all was written to ZooKeeper while the tree was read, so no
  // node had to be checked again.
  bool quiet = false;
};

BackupStats Backup(const BackupOptions& options);

}  // namespace baton
