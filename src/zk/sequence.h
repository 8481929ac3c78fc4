// ZooKeeper's sequential nodes: the server appends a ten-digit counter to
// their names, and that counter, not the name, orders them (the election's
// candidates, a leader's latch among Marathon's).
//
// Thread safety: free functions; CreateEphemeralSequential as ZkSession.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zk/zk_session.h"

namespace baton::zk {

// The sequence number ZooKeeper appended: the name's last ten characters
// (the whole name when shorter).
std::string_view SequenceOf(std::string_view name);

// Sorts node names by their sequence numbers, lowest (created first) first;
// names of one sequence keep their order.
void SortBySequence(std::vector<std::string>& names);

// Creates the ephemeral-sequential node <dir>/<name_prefix><sequence> with
// `data` and the session's ACL, and `dir` as containers when it is missing;
// returns the node's full path. Throws baton::Error: "<what> <dir>: why".
std::string CreateEphemeralSequential(ZkSession& session, const std::string& dir,
                                      const std::string& name_prefix, const std::string& data,
                                      const std::string& what);

}  // namespace baton::zk
