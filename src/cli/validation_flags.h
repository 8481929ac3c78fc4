// The flags that loosen what validation refuses, shared by baton restore,
// verify and inspect so that all three judge a backup alike.
#pragma once

#include <CLI/CLI.hpp>

#include "baton/error.h"
#include "baton/inspect.h"

namespace baton::cli {

inline void AddValidationFlags(CLI::App& cmd, ValidationOptions& options) {
  cmd.add_option("--max_node_bytes", options.max_node_bytes,
                 "The servers' jute.maxbuffer: refuse entries whose create request would be larger "
                 "(1 KiB of it is kept for the path and headers)")
      ->capture_default_str();
  cmd.add_flag("--allow_empty", options.allow_empty,
               "Accept a backup without any entry (restoring it empties the state)");
  cmd.add_flag("--allow_no_storage_version", options.allow_no_storage_version,
               "Accept a backup without a storage version");
}

inline void CheckValidationFlags(const ValidationOptions& options) {
  if (options.max_node_bytes <= 2 * kNodeRequestMargin) {
    throw Error("--max_node_bytes " + std::to_string(options.max_node_bytes) +
                    " is too small: ZooKeeper's jute.maxbuffer is 1048576 by default",
                ErrorKind::kInvalidInput);
  }
}

}  // namespace baton::cli
