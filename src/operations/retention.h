// Which backups a retention policy keeps, with restic's semantics
// (`restic forget --keep-*`): the newest N; and for each of the newest H
// hours (D days, W weeks, M months) that hold a backup, the newest backup
// of that hour. Periods are UTC; weeks are ISO 8601 weeks. A backup kept for
// several rules says so. Pure logic: prune applies it to a store.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "baton/prune.h"

namespace baton::operations {

// Each backup's reasons to be kept (empty: deleted), for `times` in any
// order; the result is in the same order.
std::vector<std::vector<std::string>> Retain(
    const std::vector<std::chrono::system_clock::time_point>& times,
    const baton::RetentionPolicy& policy);

}  // namespace baton::operations
