#include <cstdio>
#include <memory>

#include "baton/restore.h"
#include "cli/commands.h"
#include "cli/zk_flags.h"

namespace baton::cli {

Command AddRestoreCommand(CLI::App& app) {
  struct Flags {
    ZkFlags zk;
    std::string location;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "restore", "Replace the state under <zk path>/state with the contents of a backup");
  cmd->add_option("--backup_location", flags->location,
                  "The backup to restore, e.g. file:///var/backups/marathon.tar")
      ->required();
  flags->zk.AddTo(*cmd);
  cmd->footer(
      "Examples:\n"
      "  baton restore --backup_location file:///var/backups/marathon.tar \\\n"
      "                --zk zk://zk1:2181,zk2:2181,zk3:2181/marathon\n"
      "\nThe whole backup is read and checked before anything in ZooKeeper is deleted.\n"
      "Stop every Marathon (or baton serve) instance using this path first.");
  return {cmd, [flags] {
            RestoreOptions options;
            options.zk = flags->zk.url();
            options.timeouts = flags->zk.timeouts();
            options.backup_location = flags->location;
            RestoreStats stats = Restore(options);
            std::printf(
                "restore complete: %llu items, %llu versions, %llu bytes (replaced %llu nodes)\n",
                static_cast<unsigned long long>(stats.items),
                static_cast<unsigned long long>(stats.versions),
                static_cast<unsigned long long>(stats.bytes),
                static_cast<unsigned long long>(stats.deleted_nodes));
          }};
}

}  // namespace baton::cli
