#include <spdlog/fmt/fmt.h>

#include <chrono>
#include <memory>

#include "baton/backup.h"
#include "cli/commands.h"
#include "cli/output_flags.h"
#include "cli/zk_flags.h"

namespace baton::cli {

Command AddBackupCommand(CLI::App& app) {
  struct Flags {
    ZkFlags zk;
    std::string location;
    std::string format = "baton";
    std::string compression = "auto";
    int consistency_attempts = 5;
    bool no_acls = false;
    OutputFlags output;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "backup", "Write the state under <zk path>/state to one tar file at a backup location");
  cmd->add_option("--backup_location", flags->location,
                  "Where to write the backup, e.g. file:///var/backups/marathon.tar; "
                  "{timestamp} in it becomes the time of the backup")
      ->required();
  flags->zk.AddTo(*cmd);
  cmd->add_option("--format", flags->format,
                  "Archive format: baton (checksummed entries and a manifest; restorable with "
                  "baton), or marathon (the plain tar that Marathon 1.5+ restores)")
      ->check(CLI::IsMember({"baton", "marathon"}))
      ->capture_default_str();
  cmd->add_option("--compression", flags->compression,
                  "none, gzip, zstd, or auto: by the location's suffix (.gz/.tgz, .zst/.tzst); "
                  "baton format only")
      ->check(CLI::IsMember({"auto", "none", "gzip", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--consistency_attempts", flags->consistency_attempts,
                  "Reads of the tree allowed to get one that nothing changed during (the backup is "
                  "the tree at one zxid)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_flag(
      "--no_acls", flags->no_acls,
      "Do not record the nodes' ACLs (about twice as fast; a restore then gives nodes the "
      "restoring session's ACL)");
  flags->output.AddTo(*cmd);
  cmd->footer(
      "Examples:\n"
      "  baton backup --backup_location file:///var/backups/marathon.tar \\\n"
      "               --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "  baton backup --backup_location 'file:///var/backups/baton-{timestamp}.tar.zst'\n"
      "  baton backup --format marathon --backup_location file:///tmp/for-marathon.tar\n"
      "\nThe backup is the tree at one point in time: if anything changed while it was read,\n"
      "it is read again (--consistency_attempts).\n"
      "The file appears under its final name only once it is complete.");
  return {cmd, [flags, cmd] {
            BackupOptions options;
            options.zk = flags->zk.url();
            options.timeouts = flags->zk.timeouts();
            options.backup_location = flags->location;
            options.format =
                flags->format == "marathon" ? ArchiveFormat::kMarathon : ArchiveFormat::kBaton;
            options.compression = flags->compression;
            options.consistency_attempts = flags->consistency_attempts;
            options.acls = !flags->no_acls;
            ProgressReporter reporter = flags->output.Reporter(*cmd);
            options.progress = reporter.Listener();
            auto started = std::chrono::steady_clock::now();
            BackupStats stats = Backup(options);
            reporter.Finish();
            std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
            nlohmann::json result = {{"command", "backup"},
                                     {"location", stats.location},
                                     {"format", flags->format},
                                     {"items", stats.items},
                                     {"versions", stats.versions},
                                     {"bytes", stats.bytes},
                                     {"storage_version", stats.has_storage_version},
                                     {"zxid", fmt::format("0x{:x}", stats.zxid)},
                                     {"attempts", stats.attempts},
                                     {"quiet", stats.quiet},
                                     {"seconds", seconds.count()}};
            flags->output.Print(
                result, fmt::format("backup written to {}: {} items, {} versions, {} bytes{}",
                                    stats.location, stats.items, stats.versions, stats.bytes,
                                    stats.has_storage_version ? ", with storage version" : ""));
          }};
}

}  // namespace baton::cli
