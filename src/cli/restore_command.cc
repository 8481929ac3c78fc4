#include <spdlog/fmt/fmt.h>

#include <chrono>
#include <memory>

#include "baton/restore.h"
#include "cli/commands.h"
#include "cli/output_flags.h"
#include "cli/validation_flags.h"
#include "cli/zk_flags.h"

namespace baton::cli {

Command AddRestoreCommand(CLI::App& app) {
  struct Flags {
    ZkFlags zk;
    std::string location;
    bool force = false;
    bool dry_run = false;
    bool no_safety_backup = false;
    bool to_other_path = false;
    std::string safety_backup_dir = "/var/tmp/baton";
    RestoreOptions limits;
    OutputFlags output;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "restore", "Replace the state under <zk path>/state with the contents of a backup");
  cmd->add_option("--backup_location", flags->location,
                  "The backup to restore, e.g. file:///var/backups/marathon.tar")
      ->required();
  flags->zk.AddTo(*cmd);
  cmd->add_flag(
      "--force", flags->force,
      "Restore even while a leader is alive under <path>/leader or <path>/leader-curator");
  cmd->add_flag("--dry_run,--dry-run", flags->dry_run,
                "Check everything (backup, leader, interrupted restores), write nothing");
  cmd->add_flag("--no_safety_backup", flags->no_safety_backup,
                "Replace the state without saving it first (when it cannot be backed up); an "
                "interrupted restore can then only be completed, not rolled back");
  cmd->add_option("--safety_backup_dir", flags->safety_backup_dir,
                  "Where the current state is saved before it is replaced")
      ->envname("BATON_SAFETY_BACKUP_DIR")
      ->capture_default_str();
  cmd->add_option("--max_entries", flags->limits.max_entries,
                  "Refuse a backup with more entries (a tar bomb) before touching anything")
      ->capture_default_str();
  cmd->add_option("--max_bytes", flags->limits.max_bytes,
                  "Refuse a backup with more bytes of data before touching anything")
      ->capture_default_str();
  AddValidationFlags(*cmd, flags->limits.validation);
  cmd->add_flag("--to_other_path", flags->to_other_path,
                "Restore a backup into another path than the one it was taken from (its "
                "manifest's)");
  flags->output.AddTo(*cmd);
  cmd->footer(
      "Examples:\n"
      "  baton restore --backup_location file:///var/backups/marathon.tar \\\n"
      "                --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "\nThe whole backup is read and checked (checksums, manifest, names, sizes, ACLs, the\n"
      "source path) before anything is touched;\n"
      "then the current state is saved to a safety backup, <path>/restore-in-progress marks the\n"
      "restore, and a failure rolls back. If the process dies, the next restore, baton recover\n"
      "or baton serve rolls back. A live leader (Marathon or baton serve) is refused.");
  return {cmd, [flags, cmd] {
            RestoreOptions options;
            options.zk = flags->zk.url();
            options.timeouts = flags->zk.timeouts();
            options.backup_location = flags->location;
            options.force = flags->force;
            options.dry_run = flags->dry_run;
            options.safety_backup_dir = flags->safety_backup_dir;
            options.safety_backup = !flags->no_safety_backup;
            options.max_entries = flags->limits.max_entries;
            options.max_bytes = flags->limits.max_bytes;
            options.validation = flags->limits.validation;
            CheckValidationFlags(options.validation);
            options.to_other_path = flags->to_other_path;
            ProgressReporter reporter = flags->output.Reporter(*cmd);
            options.progress = reporter.Listener();
            auto started = std::chrono::steady_clock::now();
            RestoreStats stats = Restore(options);
            reporter.Finish();
            std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
            nlohmann::json result = {{"command", "restore"},
                                     {"dry_run", options.dry_run},
                                     {"items", stats.items},
                                     {"versions", stats.versions},
                                     {"bytes", stats.bytes},
                                     {"storage_version", stats.has_storage_version},
                                     {"replaced_nodes", stats.deleted_nodes},
                                     {"safety_backup", stats.safety_backup},
                                     {"rolled_back_previous", stats.rolled_back_previous},
                                     {"seconds", seconds.count()}};
            std::string text;
            if (stats.rolled_back_previous) text = "an interrupted restore was rolled back first\n";
            text += fmt::format(
                "{}: {} items, {} versions, {} bytes",
                options.dry_run ? "dry run, nothing written; would restore" : "restore complete",
                stats.items, stats.versions, stats.bytes);
            if (!options.dry_run) {
              text += fmt::format(
                  " (replaced {} nodes; the previous state is saved in {})", stats.deleted_nodes,
                  stats.safety_backup.empty() ? "no file: there was none" : stats.safety_backup);
            }
            flags->output.Print(result, text);
          }};
}

Command AddRecoverCommand(CLI::App& app) {
  struct Flags {
    ZkFlags zk;
    OutputFlags output;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "recover", "Roll back a restore that was interrupted (its marker remains), if any");
  flags->zk.AddTo(*cmd);
  flags->output.AddTo(*cmd);
  cmd->footer(
      "Examples:\n"
      "  baton recover --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "\nPuts back the state saved in the interrupted restore's safety backup (a file on the\n"
      "host that ran it) and removes <path>/restore-in-progress.");
  return {cmd, [flags, cmd] {
            RestoreOptions options;
            options.zk = flags->zk.url();
            options.timeouts = flags->zk.timeouts();
            ProgressReporter reporter = flags->output.Reporter(*cmd);
            options.progress = reporter.Listener();
            bool recovered = RecoverInterruptedRestore(options);
            reporter.Finish();
            flags->output.Print({{"command", "recover"}, {"rolled_back", recovered}},
                                recovered ? "rolled back an interrupted restore"
                                          : "nothing to recover: no restore was interrupted");
          }};
}

}  // namespace baton::cli
