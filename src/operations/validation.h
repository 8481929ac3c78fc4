// The checks of a validated backup against the ZooKeeper it is restored
// into, after the backup itself passed (backup_check.h) and before anything
// is touched: the path it was taken from, and the storage versions.
#pragma once

#include "baton/inspect.h"
#include "baton/restore.h"
#include "zk/zk_session.h"

namespace baton::operations {

// Whether two connect strings ("host:port,host:port") name one server.
bool ShareAServer(const std::string& hosts, const std::string& other);
// Whether `path` is `root` or below it.
bool PathWithin(const std::string& path, const std::string& root);

// Refuses (kInvalidInput) a Baton-format backup taken from another path than
// options.zk.path unless options.to_other_path, and always one whose target
// is inside the path it was taken from on the ensemble it was taken from
// (the tree would then hold a copy of itself); says in one line how the
// backup's storage version compares with the one in ZooKeeper.
void CheckTarget(zk::ZkSession& session, const RestoreOptions& options,
                 const BackupSummary& summary);

}  // namespace baton::operations
