// Reads every entity of Marathon's persistence store under a state root with
// many reads in flight at once (through zk::NodeReader), bounded both in
// count and in the bytes they can bring back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "layout/marathon/backup_item.h"
#include "zk/fingerprints.h"
#include "zk/node_reader.h"
#include "zk/zk_session.h"

namespace baton::marathon {

class TreeReader {
 public:
  // Reads through `reader`; `session` reads the storage version. With
  // `with_acls`, each emitted item carries its node's ACL (one more request
  // per node).
  TreeReader(zk::ZkSession& session, zk::NodeReader& reader, int max_in_flight,
             size_t max_bytes_in_flight, bool with_acls = false);

  // Calls `emit` for each current value and each version, then once for the
  // storage version if the store has one. Items whose current value is empty
  // are not emitted (Marathon's "no current value"). Throws baton::Error if a
  // request fails or a node does not fit the layout. With `prints`, records
  // the zxids of what it read there, for a check that nothing changed.
  void Read(const std::string& state_root, const std::function<void(BackupItem&&)>& emit,
            zk::Fingerprints* prints = nullptr);

  // How many ids the store holds, from the child counts of its buckets (one
  // request per bucket, not per node): the size of a walk before it starts.
  static uint64_t CountIds(zk::ZkSession& session, const std::string& state_root);

 private:
  zk::ZkSession& session_;
  zk::NodeReader& reader_;
  int max_in_flight_;
  size_t max_bytes_in_flight_;
  bool with_acls_;
};

}  // namespace baton::marathon
