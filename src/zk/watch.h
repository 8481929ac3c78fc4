// Watches on single nodes for callers with their own C watcher function (it
// runs on the client's completion thread, where synchronous calls are not
// allowed), and the session's own state as its watcher learns it.
//
// Thread safety: as ZkSession; these keep no state of their own.
#pragma once

#include <string>

#include "zk/zk_session.h"

namespace baton::zk {

// Sets a one-time watch on `path` (its creation, change or deletion) and
// returns whether the node exists now. Throws baton::Error.
bool WatchExists(ZkSession& session, const std::string& path, watcher_fn watcher, void* context);

// Removes a watch WatchExists set; one that already fired or went with an
// expired session is no error.
void RemoveWatch(ZkSession& session, const std::string& path, watcher_fn watcher, void* context);

// Whether the session is over for good: expired, or its credentials
// refused. Everything that hung on it (ephemeral nodes, watches) is gone, and
// only a new session helps.
bool SessionEnded(const ZkSession& session);

}  // namespace baton::zk
