// What a restore accepts in a backup entry, shared by restore's validation
// pass and by Inspect: Marathon's entry names with legal node names and
// timestamps, and a parseable storage version.
#pragma once

#include "archive/tar_reader.h"
#include "baton/inspect.h"

namespace baton::backup {

// No ZooKeeper node can hold more than jute.maxbuffer; an entry far larger
// than any sane setting is refused before its bytes are read.
inline constexpr uint64_t kMaxEntryBytes = 64 << 20;

// Checks `entry` and counts it into `summary`; throws baton::Error to refuse.
void CheckEntry(const archive::TarEntry& entry, BackupSummary& summary);

}  // namespace baton::backup
