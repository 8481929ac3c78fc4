// The flags of how a tree is replaced, shared by baton restore and baton copy
// (which restores what it read): leader check, dry run, safety backup,
// counters and the limits that refuse a backup before anything is touched.
#pragma once

#include <spdlog/fmt/fmt.h>

#include <CLI/CLI.hpp>
#include <string>

#include "baton/restore.h"
#include "cli/safety_backup_flag.h"
#include "cli/validation_flags.h"

namespace baton::cli {

inline void AddReplaceFlags(CLI::App& cmd, RestoreOptions& options) {
  cmd.add_flag("--force", options.force,
               "Replace even while a service is live there (Marathon's layout: a leader under "
               "<path>/leader or <path>/leader-curator; tree layout: ephemeral nodes)");
  cmd.add_flag("--dry_run,--dry-run", options.dry_run,
               "Check everything (backup, leader, interrupted restores), write nothing");
  cmd.add_flag_callback(
      "--no_safety_backup", [&options] { options.safety_backup = false; },
      "Replace the state without saving it first (when it cannot be backed up); an "
      "interrupted restore can then only be completed, not rolled back");
  AddSafetyBackupDirFlag(cmd, options.safety_backup_dir,
                         "Where the current state is saved before it is replaced");
  cmd.add_option("--safety_keep_last", options.safety_keep_last,
                 "After a successful restore, keep only this many safety backups of the path "
                 "(the newest) in --safety_backup_dir; 0 keeps all")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  cmd.add_flag("--merge", options.merge,
               "Tree layout: create and update the backup's nodes without deleting any other "
               "(existing nodes keep their ACLs); for seeding a cluster");
  cmd.add_flag("--restore_counters,!--no_restore_counters", options.restore_counters,
               "Tree layout: bring back each node's data version and each parent's cversion "
               "(which names its next sequential child) as recorded")
      ->capture_default_str();
  cmd.add_option("--max_counter_ops", options.max_counter_ops,
                 "Tree layout: operations the counters may cost at most; past them, nodes keep "
                 "lower counters and are named")
      ->capture_default_str();
  cmd.add_option("--max_entries", options.max_entries,
                 "Refuse a backup with more entries (a tar bomb) before touching anything")
      ->capture_default_str();
  cmd.add_option("--max_bytes", options.max_bytes,
                 "Refuse a backup with more bytes of data before touching anything")
      ->capture_default_str();
  AddValidationFlags(cmd, options.validation);
}

// What a restore or copy that wrote says it did, in parentheses.
inline std::string ReplacedText(const RestoreOptions& options, const RestoreStats& stats) {
  return fmt::format(" ({}; the previous state is saved in {})",
                     options.merge ? "merged, nothing deleted"
                                   : fmt::format("replaced {} nodes", stats.deleted_nodes),
                     stats.safety_backup.empty() ? "no file: there was none" : stats.safety_backup);
}

}  // namespace baton::cli
