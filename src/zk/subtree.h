// Removes everything below a node. The tree is listed with pipelined
// requests and its paths are spilled to temporary files, one per depth, so
// memory stays flat however large the tree; then the deepest level is
// deleted first, in batches.
#pragma once

#include <cstdint>
#include <string>

#include "zk/batch_writer.h"
#include "zk/zk_session.h"

namespace baton::zk {

// Deletes every descendant of `root` (not `root` itself) and returns how many
// nodes were deleted. A missing root counts as empty.
uint64_t DeleteDescendants(ZkSession& session, BatchWriter& writer, const std::string& root,
                           int max_in_flight);

}  // namespace baton::zk
