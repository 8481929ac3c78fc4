// The tree layout: any ZooKeeper subtree, node by node (issue 15), for the
// services that keep state in ZooKeeper beyond Marathon (Kafka before KRaft,
// SolrCloud, HBase, ClickHouse, Curator-based applications).
//
// Entries: one per persistent node, named kEntryPrefix + the node's path
// below the subtree's root ("" for the root itself). The prefix's second
// segment is never "items" or "versions", so Marathon's entry patterns
// (`^([^/]+)/items/(.+)$`, `^([^/]+)/versions/([^/]+)/(.+)$`) match no tree
// entry and a Marathon reader refuses them. Each entry carries the node's
// data, its ACL (baton.acl) and the counters clients depend on:
//   baton.version   the data version (setData calls since its creation)
//   baton.cversion  the cversion (child creations and deletions)
//   baton.children  the number of children it had
// Ephemeral nodes are left out (their owners are sessions a restore cannot
// bring back) and counted. /zookeeper (quotas, config) and Baton's control
// path are never read nor written.
//
// What the client API cannot see: the server reports container and TTL
// nodes as persistent; they are restored as persistent nodes.
//
// Thread safety: the Layout is stateless; share it freely.
#pragma once

#include <string_view>

#include "layout/layout.h"

namespace baton::layout {

inline constexpr std::string_view kTreeEntryPrefix = "zk-tree/n";
inline constexpr char kVersionAttribute[] = "baton.version";
inline constexpr char kChildVersionAttribute[] = "baton.cversion";
inline constexpr char kChildrenAttribute[] = "baton.children";
// Where Baton keeps its lock and markers for a tree restore: this root and
// the subtree's path below it (/baton/kafka for /kafka).
inline constexpr std::string_view kTreeControlRoot = "/baton";

const Layout& Tree();

}  // namespace baton::layout
