// What a restore accepts in a backup, shared by restore's validation pass,
// baton verify and Inspect: entry names of the backup's layout (Marathon's:
// legal node names and timestamps), ACLs and sizes ZooKeeper accepts, a parseable storage version,
// and (for the whole backup) entries and a storage version at all.
#pragma once

#include "archive/tar_reader.h"
#include "baton/inspect.h"
#include "layout/layout.h"

namespace baton::operations {

// No ZooKeeper node can hold more than jute.maxbuffer; an entry far larger
// than any sane setting is refused before its bytes are read.
inline constexpr uint64_t kMaxEntryBytes = 64 << 20;

// Checks `entry` as an entry of `layout` and counts it into `summary`;
// throws baton::Error (kCorruptBackup) naming the entry to refuse it.
void CheckEntry(const layout::Layout& layout, const archive::TarEntry& entry,
                BackupSummary& summary, const ValidationOptions& options = {});

// After the last entry: refuses a backup without entries or without a
// storage version unless `options` allow it.
void CheckWhole(const layout::Layout& layout, const BackupSummary& summary,
                const ValidationOptions& options);

}  // namespace baton::operations
