// Marathon's layout behind the layout::Layout seam.
#include "layout/layout.h"
#include "layout/marathon/backup_item.h"
#include "layout/marathon/storage_version.h"
#include "layout/marathon/store_writer.h"
#include "layout/marathon/tree_reader.h"
#include "util/printable.h"
#include "zk/sequence.h"

namespace baton::layout {
namespace {

class MarathonTreeWriter final : public TreeWriter {
 public:
  MarathonTreeWriter(zk::BatchWriter& writer, const std::string& root, const WriteOptions& options)
      : store_(writer, root, options.acls_recorded, options.valued_units) {}

  void Write(Entry&& entry) override {
    marathon::BackupItem item = marathon::BackupItem::FromEntryName(entry.name);
    item.data = std::move(entry.data);
    item.acl = std::move(entry.acl);
    store_.Write(std::move(item));
  }
  void Finish() override { store_.Finish(); }

 private:
  marathon::StoreWriter store_;
};

class MarathonLayout final : public Layout {
 public:
  std::string_view name() const override { return "marathon"; }

  Scope ScopeOf(const ZkUrl& zk) const override { return {zk.state_path(), zk.path}; }

  // A Marathon or baton serve leader would write into the state while it is
  // replaced. Names the leader, which is the candidate with the lowest
  // sequence number, not the first one listed.
  void RefuseWhileInUse(zk::ZkSession& session, const ZkUrl& zk) const override {
    for (const char* election : {"/leader", "/leader-curator"}) {
      const std::string path = zk.path + election;
      std::vector<std::string> candidates =
          session.Children(path).value_or(std::vector<std::string>{});
      zk::SortBySequence(candidates);
      for (const std::string& child : candidates) {
        std::optional<std::string> who = session.Get(path + "/" + child);
        if (!who) continue;  // gone meanwhile
        throw Error(
            "a leader is alive under " + path + " (" +
                util::Printable(who->empty() ? child : *who) +
                "): stop every Marathon or baton serve using " + zk.path +
                " first (or restore through its DELETE /v2/leader?restore=), or pass --force",
            ErrorKind::kRefused);
      }
    }
  }

  void Read(zk::ZkSession& session, zk::NodeReader& nodes, const std::string& root,
            const ReadOptions& options, const std::function<void(Entry&&)>& emit, Tally& tally,
            zk::Fingerprints* prints) const override {
    marathon::TreeReader reader(session, nodes, options.max_in_flight, options.max_bytes_in_flight,
                                options.acls);
    reader.Read(
        root,
        [&](marathon::BackupItem&& item) {
          Add(item, tally);
          // An id counts as done once its value is read.
          bool completes = !item.version && !item.is_storage_version();
          emit(Entry{.name = item.EntryName(),
                     .data = std::move(item.data),
                     .acl = std::move(item.acl),
                     .completes_unit = completes});
        },
        prints);
  }

  uint64_t CountUnits(zk::ZkSession& session, const std::string& root) const override {
    return marathon::TreeReader::CountIds(session, root);
  }

  void Count(const Entry& entry, Tally& tally) const override {
    marathon::BackupItem item = marathon::BackupItem::FromEntryName(entry.name);
    if (item.is_storage_version()) item.data = entry.data;  // the only value counted
    Add(item, tally);
  }

  EntryKind Describe(std::string_view name) const override {
    marathon::BackupItem item = marathon::BackupItem::FromEntryName(name);
    return EntryKind{.category = item.category,
                     .version = item.version.has_value(),
                     .storage_version = item.is_storage_version(),
                     .unit = marathon::IdKey(item.category, item.id)};
  }

  void CheckAttributes(std::string_view,
                       const std::vector<std::pair<std::string, std::string>>&) const override {
    // Marathon's entries carry no attributes of the layout's own.
  }

  bool HasStorageVersion() const override { return true; }

  // A Marathon state is one whole: apps, their versions and the storage
  // version belong together.
  bool CanMerge() const override { return false; }

  // Every node of the state belongs to it.
  bool CanLeaveNodesOut() const override { return false; }

  // The layout the format was made for, and the one its manifests imply.
  bool FitsMarathonFormat() const override { return true; }
  int ManifestFormatVersion() const override { return 1; }

  std::string StorageVersion(const std::string& data) const override {
    return marathon::StorageVersion::Parse(data).ToString();
  }

  std::optional<std::string> CurrentStorageVersion(zk::ZkSession& session,
                                                   const std::string& root) const override {
    std::optional<std::string> node =
        session.Get(root + "/" + std::string(marathon::kStorageVersionName));
    if (!node) return std::nullopt;
    try {
      return StorageVersion(marathon::UnwrapStoreEntry(*node));
    } catch (const Error& e) {
      throw UnreadableNode(e.what());
    }
  }

  std::unique_ptr<TreeWriter> NewWriter(zk::BatchWriter& writer, const std::string& root,
                                        const WriteOptions& options) const override {
    if (options.merge) throw Error("Marathon's layout cannot merge", ErrorKind::kInvalidInput);
    return std::make_unique<MarathonTreeWriter>(writer, root, options);
  }

 private:
  static void Add(const marathon::BackupItem& item, Tally& tally) {
    if (item.is_storage_version()) {
      tally.storage_version = marathon::StorageVersion::Parse(item.data).ToString();
    } else if (item.version) {
      ++tally.versions;
    } else {
      ++tally.items;
    }
  }
};

}  // namespace

const Layout& Marathon() {
  static const MarathonLayout layout;
  return layout;
}

}  // namespace baton::layout
