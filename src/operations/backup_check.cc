#include "operations/backup_check.h"

#include <algorithm>

#include "archive/manifest.h"
#include "baton/error.h"
#include "util/printable.h"
#include "zk/acl.h"

namespace baton::operations {
namespace {

[[noreturn]] void Refuse(const archive::TarEntry& entry, const std::string& why) {
  throw Error("backup entry '" + util::Printable(entry.name) + "' " + why,
              ErrorKind::kCorruptBackup);
}

// The ACL's size in the create request, 0 without one; refuses what the
// server would.
uint64_t CheckAcl(const archive::TarEntry& entry) {
  const std::string* text = entry.Attribute(archive::kAclAttribute);
  if (text == nullptr) return 0;
  try {
    zk::Acl acl = zk::Acl::Parse(*text);
    std::string refusal = acl.Refusal();
    if (!refusal.empty())
      Refuse(entry, "has an ACL ZooKeeper refuses: " + util::Printable(refusal));
    return acl.WireBytes();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCorruptBackup) throw;
    Refuse(entry, "has an unreadable ACL: " + util::Printable(e.what()));
  }
}

// The entry's name stands for the node's path below the state root (it is
// never shorter); the margin covers the root path and the headers.
void CheckSize(const archive::TarEntry& entry, uint64_t acl_bytes, uint64_t max_node_bytes) {
  uint64_t request = entry.data.size() + entry.name.size() + acl_bytes;
  if (request + kNodeRequestMargin <= max_node_bytes) return;
  Refuse(entry, "holds " + std::to_string(entry.data.size()) + " bytes: with its name and ACL " +
                    std::to_string(request) + ", over the " +
                    std::to_string(max_node_bytes - std::min(max_node_bytes, kNodeRequestMargin)) +
                    " a ZooKeeper with jute.maxbuffer " + std::to_string(max_node_bytes) +
                    " accepts (1 KiB is kept for the path and headers); if the servers allow "
                    "more, say so with --max_node_bytes");
}

}  // namespace

void CheckEntry(const layout::Layout& layout, const archive::TarEntry& entry,
                BackupSummary& summary, const ValidationOptions& options) {
  const layout::EntryKind kind = layout.Describe(entry.name);
  layout.CheckAttributes(entry.name, entry.attributes);
  CheckSize(entry, CheckAcl(entry), options.max_node_bytes);
  summary.bytes += entry.data.size();
  if (kind.storage_version) {
    try {
      summary.storage_version = layout.StorageVersion(entry.data);
    } catch (const Error& e) {
      Refuse(entry, std::string("is refused: ") + e.what());
    }
    return;
  }
  CategorySummary& category = summary.categories[kind.category];
  category.bytes += entry.data.size();
  if (kind.version) {
    ++category.versions;
    ++summary.versions;
  } else {
    ++category.items;
    ++summary.items;
    if (kind.unit) {
      summary.valued_ids[*kind.unit] = entry.Attribute(archive::kAclAttribute) != nullptr;
    }
  }
}

void CheckWhole(const layout::Layout& layout, const BackupSummary& summary,
                const ValidationOptions& options) {
  if (summary.items + summary.versions == 0 && !summary.storage_version) {
    if (options.allow_empty) return;
    throw Error(
        "the backup holds no entries at all (an empty tar, or a file of zeros, which reads as "
        "one): restoring it would empty the state; pass --allow_empty if that is meant",
        ErrorKind::kCorruptBackup);
  }
  if (layout.HasStorageVersion() && !summary.storage_version && !options.allow_no_storage_version) {
    throw Error(
        "the backup has no storage version (Marathon writes it last, so the backup may be cut "
        "short, and Marathon takes a state without one for a new one); pass "
        "--allow_no_storage_version if that is meant",
        ErrorKind::kCorruptBackup);
  }
}

}  // namespace baton::operations
