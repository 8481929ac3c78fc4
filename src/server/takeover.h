// What a newly elected leader does before it serves, holding the lock on the
// state: it rolls back a restore that died half-way, then does what the
// previous leader was asked to leave for it (the runtime configuration's
// backup and restore), then migrates the app store, backing up to
// --backup_location first when there is something to migrate and nothing was
// just saved.
#pragma once

#include "baton/restore.h"
#include "operations/owned_restore.h"
#include "server/metrics.h"
#include "server/server.h"

namespace baton::server {

// Thread safety: none; the thread that runs the terms uses it.
class Takeover {
 public:
  // Both must outlive it.
  Takeover(const ServerOptions& options, Metrics& metrics);

  // Throws baton::Error when a step fails: the term is not served then.
  void Run(const operations::Owner& owner);

 private:
  // Takes the runtime configuration and does what it asks; whether it
  // saved the state (a backup or a restore from one).
  bool Handover(const operations::Owner& owner);
  void Migrate(zk::ZkSession& session, bool just_saved);
  RestoreOptions Restoring(std::string location) const;

  const ServerOptions& options_;
  Metrics& metrics_;
};

}  // namespace baton::server
