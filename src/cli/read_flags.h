// The flags of how a tree is read, shared by baton backup and baton copy
// (which backs its source up first): bound to fields both options structs
// have by the same names.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

template <typename Options>
void AddReadFlags(CLI::App& cmd, Options& options) {
  cmd.add_option("--exclude", options.exclude,
                 "Tree layout: leave out the nodes whose path below <path> matches this glob "
                 "(* matches / too), with their subtrees, e.g. /brokers/ids; repeatable");
  cmd.add_flag("--skip_unreadable", options.skip_unreadable,
               "Tree layout: leave out the nodes this session may not read (with their "
               "subtrees), named in a warning and counted in the manifest, instead of failing");
  cmd.add_option("--consistency_attempts", options.consistency_attempts,
                 "Reads of the tree allowed to get one that nothing changed during (the backup is "
                 "the tree at one zxid)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd.add_flag_callback(
      "--no_acls", [&options] { options.acls = false; },
      "Do not record the nodes' ACLs (about twice as fast; restored nodes then get the "
      "restoring session's ACL)");
  cmd.add_flag_callback(
      "--no_multi_read", [&options] { options.multi_read = false; },
      "Read with pipelined single requests even where the servers answer multiRead "
      "(ZooKeeper 3.6+); servers before 3.6 are found out and read that way anyway");
}

}  // namespace baton::cli
