// baton restore and baton recover: replace the state with a backup, and roll
// back a restore that was interrupted.
#include <spdlog/fmt/fmt.h>

#include "baton/restore.h"
#include "cli/commands.h"
#include "cli/latest_flag.h"
#include "cli/replace_flags.h"
#include "layout/layout.h"

namespace baton::cli {
namespace {

struct RestoreFlags : OperationFlags<RestoreOptions> {
  LatestFlag latest;  // restore only
};

void AddRestoreFlags(CLI::App& cmd, RestoreFlags& flags) {
  RestoreOptions& options = flags.options;
  cmd.add_option("--backup_location", options.backup_location,
                 "The backup to restore, e.g. file:///var/backups/marathon.tar (with --latest: "
                 "the directory or S3 prefix to take the newest from)")
      ->required();
  flags.latest.AddTo(cmd);
  flags.zk.AddTo(cmd, options.timeouts);
  cmd.add_option("--layout", options.layout,
                 "marathon or tree, as the backup was taken (baton backup --layout)")
      ->check(CLI::IsMember(layout::Names()))
      ->capture_default_str();
  AddReplaceFlags(cmd, options);
  cmd.add_flag("--to_other_path", options.to_other_path,
               "Restore a backup into another path than the one it was taken from (its "
               "manifest's)");
}

void AddRecoverFlags(CLI::App& cmd, RestoreFlags& flags) {
  flags.zk.AddTo(cmd, flags.options.timeouts);
}

Result RunRestore(RestoreFlags& flags, const CLI::App& cmd) {
  RestoreOptions& options = flags.Parsed();
  CheckValidationFlags(options.validation);
  // The newest of this path (unless restoring another path's) and layout.
  flags.latest.Resolve(options.backup_location, options.to_other_path ? "" : options.zk.path,
                       options.layout);
  RestoreStats stats =
      flags.output.WithProgress(cmd, options.progress, [&] { return Restore(options); });
  nlohmann::json result = {{"dry_run", options.dry_run},
                           {"merge", options.merge},
                           {"items", stats.items},
                           {"versions", stats.versions},
                           {"bytes", stats.bytes},
                           {"storage_version", stats.has_storage_version},
                           {"replaced_nodes", stats.deleted_nodes},
                           {"safety_backup", stats.safety_backup},
                           {"rolled_back_previous", stats.rolled_back_previous}};
  std::string text;
  if (stats.rolled_back_previous) text = "an interrupted restore was rolled back first\n";
  text +=
      fmt::format("{}: {} items, {} versions, {} bytes",
                  options.dry_run ? "dry run, nothing written; would restore" : "restore complete",
                  stats.items, stats.versions, stats.bytes);
  if (!options.dry_run) {
    text += ReplacedText(options, stats);
  }
  return {result, text};
}

Result RunRecover(RestoreFlags& flags, const CLI::App& cmd) {
  RestoreOptions& options = flags.Parsed();
  bool recovered = flags.output.WithProgress(cmd, options.progress,
                                             [&] { return RecoverInterruptedRestore(options); });
  return {nlohmann::json{{"rolled_back", recovered}},
          recovered ? "rolled back an interrupted restore"
                    : "nothing to recover: no restore was interrupted"};
}

}  // namespace

Command AddRestoreCommand(CLI::App& app) {
  CommandHelp help{
      "restore", "Replace the state under <zk path>/state with the contents of a backup",
      "Examples:\n"
      "  baton restore --backup_location file:///var/backups/marathon.tar \\\n"
      "                --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "\nThe whole backup is read and checked (checksums, manifest, names, sizes, ACLs, the\n"
      "source path) before anything is touched;\n"
      "then the current state is saved to a safety backup, <path>/restore-in-progress marks the\n"
      "restore, and a failure rolls back. If the process dies, the next restore, baton recover\n"
      "or baton serve rolls back. A live leader (Marathon or baton serve) is refused."};
  return AddResultCommand(app, help, AddRestoreFlags, RunRestore, true);
}

Command AddRecoverCommand(CLI::App& app) {
  CommandHelp help{
      "recover", "Roll back a restore that was interrupted (its marker remains), if any",
      "Examples:\n"
      "  baton recover --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "\nPuts back the state saved in the interrupted restore's safety backup (a file on the\n"
      "host that ran it) and removes <path>/restore-in-progress."};
  return AddResultCommand(app, help, AddRecoverFlags, RunRecover, true);
}

}  // namespace baton::cli
