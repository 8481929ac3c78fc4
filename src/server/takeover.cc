#include "server/takeover.h"

#include <spdlog/spdlog.h>

#include "baton/backup.h"
#include "baton/storage.h"
#include "layout/marathon/runtime_configuration.h"
#include "server/app_migrations.h"

namespace baton::server {

Takeover::Takeover(const ServerOptions& options, Metrics& metrics)
    : options_(options), metrics_(metrics) {}

RestoreOptions Takeover::Restoring(std::string location) const {
  return {.zk = options_.zk,
          .timeouts = options_.timeouts,
          .backup_location = std::move(location),
          .force = true,  // this server leads, and restores before it serves
          .safety_backup_dir = options_.safety_backup_dir};
}

void Takeover::Run(const operations::Owner& owner) {
  // A restore that died half-way is rolled back before anything else.
  if (operations::RecoverAsOwner(Restoring(""), owner)) {
    spdlog::warn("rolled back an interrupted restore before taking over");
  }
  // Then what the previous leader left for us, then migrate.
  Migrate(owner.session, Handover(owner));
}

bool Takeover::Handover(const operations::Owner& owner) {
  marathon::RuntimeConfiguration config =
      marathon::RuntimeConfiguration::Take(owner.session, options_.zk.path);
  if (config.backup) {
    metrics_.Record(metrics_.backup, [&] {
      return Backup({.zk = options_.zk,
                     .timeouts = options_.timeouts,
                     .backup_location = *config.backup})
          .bytes;
    });
  }
  if (config.restore) {
    metrics_.Record(metrics_.restore, [&] {
      std::unique_ptr<StorageProvider> storage = OpenStorage(*config.restore);
      return operations::RestoreAsOwner(Restoring(*config.restore), *storage, owner).bytes;
    });
  }
  return config.backup || config.restore;
}

void Takeover::Migrate(zk::ZkSession& session, bool just_saved) {
  AppStoreMigration().Run(session, options_.zk.state_path(), [&] {
    if (options_.backup_location.empty() || just_saved) return;
    metrics_.Record(metrics_.backup, [&] {
      BackupStats stats = Backup({.zk = options_.zk,
                                  .timeouts = options_.timeouts,
                                  .backup_location = options_.backup_location});
      spdlog::info("backup before the migration written to {}", stats.location);
      return stats.bytes;
    });
  });
}

}  // namespace baton::server
