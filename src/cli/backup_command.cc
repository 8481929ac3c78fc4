// baton backup: the state under <zk path>/state to one tar file.
#include <spdlog/fmt/fmt.h>

#include "baton/backup.h"
#include "cli/commands.h"
#include "cli/read_flags.h"
#include "layout/layout.h"

namespace baton::cli {
namespace {

using BackupFlags = OperationFlags<BackupOptions>;

}  // namespace

std::string LeftOutText(const BackupStats& stats) {
  std::string text;
  if (stats.ephemerals > 0) text = fmt::format("{} ephemeral", stats.ephemerals);
  if (stats.unreadable > 0) {
    text += fmt::format("{}{} unreadable", text.empty() ? "" : " and ", stats.unreadable);
  }
  return text.empty() ? "" : " (" + text + " nodes left out)";
}

void AddBackupOptionFlags(CLI::App& cmd, BackupOptions& options, ZkFlags& zk) {
  cmd.add_option("--backup_location", options.backup_location,
                 "Where to write the backup, e.g. file:///var/backups/marathon.tar; "
                 "{timestamp} in it becomes the time of the backup")
      ->required();
  zk.AddTo(cmd, options.timeouts);
  cmd.add_option("--layout", options.layout,
                 "marathon: Marathon's state under <path>/state; tree: every node under <path>, "
                 "with its data version and cversion")
      ->check(CLI::IsMember(layout::Names()))
      ->capture_default_str();
  cmd.add_option_function<std::string>(
         "--format",
         [&options](const std::string& name) { options.format = ParseArchiveFormat(name); },
         "Archive format: baton (checksummed entries and a manifest; restorable with "
         "baton), or marathon (the plain tar that Marathon 1.5+ restores)")
      ->check(CLI::IsMember(ArchiveFormatNames()))
      ->default_str(std::string(ArchiveFormatName(options.format)));
  cmd.add_option("--compression", options.compression,
                 "none, gzip, zstd, or auto: by the location's suffix (.gz/.tgz, .zst/.tzst); "
                 "baton format only")
      ->check(CLI::IsMember({"auto", "none", "gzip", "zstd"}))
      ->capture_default_str();
  AddReadFlags(cmd, options);
}

namespace {

void AddBackupFlags(CLI::App& cmd, BackupFlags& flags) {
  AddBackupOptionFlags(cmd, flags.options, flags.zk);
}

Result RunBackup(BackupFlags& flags, const CLI::App& cmd) {
  BackupOptions& options = flags.Parsed();
  BackupStats stats =
      flags.output.WithProgress(cmd, options.progress, [&] { return Backup(options); });
  nlohmann::json result = {{"location", stats.location},
                           {"format", ArchiveFormatName(options.format)},
                           {"items", stats.items},
                           {"versions", stats.versions},
                           {"bytes", stats.bytes},
                           {"ephemerals_left_out", stats.ephemerals},
                           {"unreadable_left_out", stats.unreadable},
                           {"storage_version", stats.has_storage_version},
                           {"zxid", fmt::format("0x{:x}", stats.zxid)},
                           {"attempts", stats.attempts},
                           {"quiet", stats.quiet}};
  return {result, fmt::format("backup written to {}: {} items, {} versions, {} bytes{}{}",
                              stats.location, stats.items, stats.versions, stats.bytes,
                              stats.has_storage_version ? ", with storage version" : "",
                              LeftOutText(stats))};
}

}  // namespace

Command AddBackupCommand(CLI::App& app) {
  CommandHelp help{
      "backup", "Write the state under <zk path>/state to one tar file at a backup location",
      "Examples:\n"
      "  baton backup --backup_location file:///var/backups/marathon.tar \\\n"
      "               --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "  baton backup --backup_location 'file:///var/backups/baton-{timestamp}.tar.zst'\n"
      "  baton backup --format marathon --backup_location file:///tmp/for-marathon.tar\n"
      "\nThe backup is the tree at one point in time: if anything changed while it was read,\n"
      "it is read again (--consistency_attempts).\n"
      "The file appears under its final name only once it is complete."};
  return AddResultCommand(app, help, AddBackupFlags, RunBackup, true);
}

}  // namespace baton::cli
