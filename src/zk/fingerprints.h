// What a walk saw of each node, so that it can check afterwards that nothing
// changed while it read: the zxid of each data read (mzxid) and of each
// children listing (pzxid). If every node still has them, the tree as read is
// the tree as of the newest of those zxids. Records are spilled to a
// temporary file, so memory stays flat however large the tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/line_spill.h"
#include "zk/node_reader.h"

namespace baton::zk {

class Fingerprints {
 public:
  enum Kind : char { kData = 'd', kChildren = 'c', kBoth = 'b' };

  // `data_length`: the node's, as read (-1: unknown); small nodes are
  // checked in batches where the reader can (NodeRead::size_hint).
  void Add(const std::string& path, Kind kind, int64_t zxid, int32_t data_length = -1);
  // A node whose data and children were both seen by one read: checked with
  // one request.
  void AddBoth(const std::string& path, int64_t mzxid, int64_t pzxid, int32_t data_length = -1);
  // The newest zxid recorded: the tree as read is the tree as of this zxid,
  // if FirstChange() finds nothing.
  int64_t newest() const { return newest_; }
  // The zxid of the first record: the root's, as the walk began.
  int64_t first() const { return first_; }
  uint64_t count() const { return count_; }

  // Reads every recorded node's stat again through `reader` (at most
  // `max_in_flight` at once) and returns the first node that changed or
  // vanished, if any. The reader's server must have caught up first (a sync).
  std::optional<std::string> FirstChange(NodeReader& reader, int max_in_flight);

 private:
  void Write(const std::string& path, Kind kind, int64_t zxid, int64_t pzxid, int32_t length);

  util::LineSpill spill_;
  int64_t newest_ = 0;
  int64_t first_ = 0;
  uint64_t count_ = 0;
};

}  // namespace baton::zk
