#include "layout/tree/tree_layout.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>
#include <unordered_map>
#include <utility>

#include "layout/tree/tree_walk.h"
#include "util/digest.h"
#include "util/printable.h"
#include "zk/acl.h"
#include "zk/acl_setter.h"
#include "zk/counters.h"
#include "zk/node_name.h"
#include "zk/wire/read_path.h"

namespace baton::layout {
namespace {

[[noreturn]] void Refuse(std::string_view name, const std::string& why) {
  throw Error("backup entry '" + util::Printable(name) + "' is not a node of a tree backup: " + why,
              ErrorKind::kCorruptBackup);
}

// The node's path below the root ("" for the root itself), each segment a
// legal node name.
std::string_view RelativePath(std::string_view name) {
  if (!name.starts_with(kTreeEntryPrefix)) Refuse(name, "it does not start with zk-tree/n");
  std::string_view rel = name.substr(kTreeEntryPrefix.size());
  for (size_t pos = 0; pos < rel.size();) {
    if (rel[pos] != '/') Refuse(name, "expected zk-tree/n/<path>");
    size_t next = rel.find('/', pos + 1);
    if (next == std::string_view::npos) next = rel.size();
    if (!zk::IsValidNodeName(rel.substr(pos + 1, next - pos - 1))) {
      Refuse(name, "a part of its path is not a legal node name");
    }
    pos = next;
  }
  return rel;
}

// A counter attribute: ZooKeeper's counters are int32 and never negative.
std::optional<int32_t> ParseCounter(std::string_view text) {
  int32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool IsCounter(std::string_view key) {
  return key == kVersionAttribute || key == kChildVersionAttribute || key == kChildrenAttribute;
}

// The entry's counter `key` (0 when not recorded); validation refused
// entries whose counters do not parse.
int64_t Counter(const Entry& entry, std::string_view key) {
  for (const auto& [k, v] : entry.attributes) {
    if (k != key) continue;
    std::optional<int32_t> value = ParseCounter(v);
    if (!value) Refuse(entry.name, "its " + std::string(key) + " is not a counter");
    return *value;
  }
  return 0;
}

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

// One walk of the tree under `root` through a reader of its own on the
// session's servers (multiRead where they have it).
TreeWalk::Counts WalkOnce(zk::ZkSession& session, const std::string& root,
                          const ReadOptions& options, const std::function<void(Entry&&)>& emit) {
  zk::wire::WalkReads reads(session, session.timeouts(),
                            zk::wire::SupportsMultiRead(session.url(), session.timeouts()));
  reads.Sync(root);
  return TreeWalk(reads.reader(), root, options, emit, nullptr).Run();
}

class TreeNodeWriter final : public TreeWriter {
 public:
  TreeNodeWriter(zk::BatchWriter& writer, std::string root, const WriteOptions& options)
      : writer_(writer),
        root_(std::move(root)),
        counters_(options.restore_counters),
        merge_(options.merge),
        budget_(counters_ ? options.max_counter_ops : 0) {
    if (options.acls_recorded) {
      unrecorded_ = std::make_shared<const zk::Acl>(zk::Acl::Parse("31:world:anyone"));
    }
    if (options.merge) ReadExisting();
  }

  void Write(Entry&& entry) override {
    const std::string path = root_ + std::string(RelativePath(entry.name));
    const int32_t version = counters_ ? static_cast<int32_t>(Counter(entry, kVersionAttribute)) : 0;
    // Child creations the node had: what names its next sequential child.
    const int64_t creations = Creations(entry);
    if (creations > 0) creations_[path] = creations;
    if (path == root_) {  // it exists: the restore emptied it, or made it
      root_version_ = version;
      root_data_ = entry.data;
      root_acl_ = AclOf(entry.acl);
      if (!AsRecorded(path, entry.data, version)) writer_.Set(path, std::move(entry.data));
      return;
    }
    if (auto found = existing_.find(path); found != existing_.end()) {
      // Merging into a node that is there: its data is updated, its ACL kept,
      // and the children it made count towards its cversion.
      created_[path] += found->second.creations;
      if (!AsRecorded(path, entry.data, version)) {
        zk::SetAtVersion(writer_, budget_, path, std::move(entry.data), found->second.version,
                         version);
      }
      return;
    }
    ++created_[Parent(path)];
    std::shared_ptr<const zk::Acl> acl = AclOf(entry.acl);
    if (acl && WrittenAgain(entry, version) && !acl->OpenTo(kWritesAgain)) {
      // Its recorded ACL might lock this session out of what it still has
      // to write (Kafka's sasl ACLs on every node): made with the session's
      // own, given the recorded one last.
      deferred_acls_.Add(path, std::exchange(acl, nullptr));
    }
    zk::CreateAtVersion(writer_, budget_, path, std::move(entry.data), acl, version);
  }

  // Each parent's child creations are raised to the recorded count, so its
  // next sequential child sorts after every restored one.
  void Finish() override {
    for (const auto& [path, creations] : creations_) {
      const int64_t pairs = creations - created_[path];
      if (counters_ && path != root_ && pairs > 0) {
        zk::RaiseChildVersion(writer_, budget_, path, 2 * pairs);
      }
    }
    writer_.Flush();
    deferred_acls_.Finish();
    FinishRoot();
    if (budget_.left_behind_count() > 0) {
      spdlog::warn(
          "{} nodes keep lower counters (data version or cversion) than recorded: raising them "
          "would take more than {} operations; first: {}",
          budget_.left_behind_count(), budget_.max_ops(), budget_.left_behind().front());
    }
  }

 private:
  struct Existing {
    int32_t version = 0;
    int64_t creations = 0;
    std::string digest;  // SHA-256 of its data (hex)
  };

  // Merging, whether the node at `path` already holds `data` at the
  // recorded `version` or later: then it is left alone, so that a merge of
  // a backup into the tree it came from, or a merge run again after a lost
  // connection, changes no version.
  bool AsRecorded(const std::string& path, const std::string& data, int32_t version) const {
    auto found = existing_.find(path);
    return found != existing_.end() && found->second.version >= version &&
           found->second.digest == util::Sha256Hex(data);
  }

  // What the restore may do to a node after creating it: children, sets,
  // the .baton-counter children that raise its cversion.
  // (ZOO_PERM_CREATE | WRITE | DELETE: the client's constants are not constexpr.)
  static constexpr int32_t kWritesAgain = (1 << 2) | (1 << 1) | (1 << 3);

  bool WrittenAgain(const Entry& entry, int32_t version) const {
    return Counter(entry, kChildrenAttribute) > 0 ||
           (counters_ && (version > 0 || Creations(entry) > 0));
  }

  static int64_t Creations(const Entry& entry) {
    return (Counter(entry, kChildVersionAttribute) + Counter(entry, kChildrenAttribute)) / 2;
  }

  // What the tree holds now, for a merge: one walk (multiRead where the
  // server has it), the counters of every persistent node it may read kept.
  void ReadExisting() {
    zk::ZkSession& session = writer_.session();
    if (!session.Exists(root_)) return;
    root_existed_ = true;
    auto keep = [this](Entry&& entry) {
      existing_[root_ + std::string(RelativePath(entry.name))] = {
          static_cast<int32_t>(Counter(entry, kVersionAttribute)), Creations(entry),
          util::Sha256Hex(entry.data)};
    };
    // A node this session may not read is left as it is (an entry at its
    // path then fails, named, like any write ZooKeeper refuses).
    WalkOnce(session, root_, {.skip_unreadable = true}, keep);
    spdlog::info("merging into the {} nodes under {}", existing_.size(), root_);
  }

  // The root is not created like the others: it was emptied (its counters
  // only grew) or made by the restore (its counters start at 0, and so would
  // its next sequential child's name). Raised to what was recorded, from
  // what the server reports now; its recorded ACL is set last, after every
  // write that might need the restoring session's permissions.
  void FinishRoot() {
    Stat stat{};
    zk::ZkSession& session = writer_.session();
    if (!session.Get(root_, &stat)) return;
    if (counters_) {
      const int64_t now = (int64_t{stat.cversion} + stat.numChildren) / 2;
      auto recorded = creations_.find(root_);
      if (recorded != creations_.end() && recorded->second > now) {
        zk::RaiseChildVersion(writer_, budget_, root_, 2 * (recorded->second - now));
      }
      const int64_t sets = root_version_ - stat.version;
      if (sets > 0 && budget_.Take(static_cast<uint64_t>(sets), root_)) {
        for (int64_t i = 0; i < sets; ++i) writer_.Set(root_, root_data_);
      }
      writer_.Flush();
    }
    if (root_acl_ && !(merge_ && root_existed_)) {
      session.SetAcl(root_, root_acl_->get());
    }
  }

  std::shared_ptr<const zk::Acl> AclOf(const std::string& text) {
    if (text.empty()) return unrecorded_;
    auto [it, added] = acls_.try_emplace(text);
    if (added) it->second = std::make_shared<const zk::Acl>(zk::Acl::Parse(text));
    return it->second;
  }

  zk::BatchWriter& writer_;
  std::string root_;
  const bool counters_;
  const bool merge_;
  zk::CounterBudget budget_;
  zk::AclSetter deferred_acls_{writer_.session()};
  std::unordered_map<std::string, int64_t> creations_;  // recorded, per parent
  std::unordered_map<std::string, int64_t> created_;    // by this restore (and before, merging)
  std::unordered_map<std::string, Existing> existing_;  // merging: the tree's nodes
  std::unordered_map<std::string, std::shared_ptr<const zk::Acl>> acls_;
  std::shared_ptr<const zk::Acl> unrecorded_;
  int64_t root_version_ = 0;
  std::string root_data_;
  std::shared_ptr<const zk::Acl> root_acl_;
  bool root_existed_ = false;  // merging into a root that was there: its ACL stays
};

class TreeLayout final : public Layout {
 public:
  std::string_view name() const override { return "tree"; }

  // Refuses the paths under /zookeeper and /baton, so a walk of the tree
  // never meets ZooKeeper's own nodes nor Baton's control nodes.
  Scope ScopeOf(const ZkUrl& zk) const override {
    for (std::string_view reserved : {std::string_view("/zookeeper"), kTreeControlRoot}) {
      if (zk.path == reserved || zk.path.starts_with(std::string(reserved) + "/")) {
        throw Error("the tree layout does not take " + zk.path + ": " + std::string(reserved) +
                        (reserved == kTreeControlRoot ? " holds Baton's own control nodes"
                                                      : " is ZooKeeper's own (quotas, config)"),
                    ErrorKind::kInvalidInput);
      }
    }
    return {.data = zk.path,
            .control = std::string(kTreeControlRoot) + zk.path,
            .data_is_container = false,
            .control_family = std::string(kTreeControlRoot)};
  }

  // An ephemeral node is a live session's: a service is using the tree.
  // One walk of the tree (multiRead where the server has it).
  void RefuseWhileInUse(zk::ZkSession& session, const ZkUrl& zk) const override {
    const std::string root = ScopeOf(zk).data;
    if (!session.Exists(root)) return;
    TreeWalk::Counts counts = WalkOnce(session, root, {}, [](Entry&&) {});
    if (counts.ephemerals == 0) return;
    throw Error(std::to_string(counts.ephemerals) + " ephemeral node" +
                    (counts.ephemerals == 1 ? "" : "s") + " under " + root + " (" +
                    util::Printable(counts.first_ephemeral) +
                    (counts.ephemerals == 1 ? "" : ", ...") +
                    "): a live service is using the tree; stop it first, or pass --force",
                ErrorKind::kRefused);
  }

  void Read(zk::ZkSession&, zk::NodeReader& reader, const std::string& root,
            const ReadOptions& options, const std::function<void(Entry&&)>& emit, Tally& tally,
            zk::Fingerprints* prints) const override {
    TreeWalk walk(reader, root, options, emit, prints);
    TreeWalk::Counts counts = walk.Run();
    tally.items += counts.nodes;
    tally.ephemerals += counts.ephemerals;
    tally.unreadable += counts.unreadable;
    if (counts.unreadable > 0) {
      spdlog::warn("left out {} node{} this session may not read, with their subtrees (first: {})",
                   counts.unreadable, counts.unreadable == 1 ? "" : "s",
                   util::Printable(counts.first_unreadable));
    }
  }

  uint64_t CountUnits(zk::ZkSession&, const std::string&) const override { return 0; }

  void Count(const Entry&, Tally& tally) const override { ++tally.items; }

  EntryKind Describe(std::string_view name) const override {
    std::string_view rel = RelativePath(name);
    std::string_view top = rel.empty() ? "/" : rel.substr(1, rel.find('/', 1) - 1);
    return EntryKind{.category = std::string(top), .unit = std::nullopt};
  }

  void CheckAttributes(
      std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& attributes) const override {
    for (const auto& [key, value] : attributes) {
      if (IsCounter(key) && !ParseCounter(value)) {
        Refuse(name, key + " is '" + util::Printable(value) + "', not a count from 0 to 2^31-1");
      }
    }
  }

  bool HasStorageVersion() const override { return false; }

  bool CanMerge() const override { return true; }

  bool CanLeaveNodesOut() const override { return true; }

  bool FitsMarathonFormat() const override { return false; }
  int ManifestFormatVersion() const override { return 2; }

  std::string StorageVersion(const std::string&) const override {
    throw Error("a tree backup has no storage version", ErrorKind::kCorruptBackup);
  }

  std::optional<std::string> CurrentStorageVersion(zk::ZkSession&,
                                                   const std::string&) const override {
    return std::nullopt;
  }

  std::unique_ptr<TreeWriter> NewWriter(zk::BatchWriter& writer, const std::string& root,
                                        const WriteOptions& options) const override {
    return std::make_unique<TreeNodeWriter>(writer, root, options);
  }
};

}  // namespace

const Layout& Tree() {
  static const TreeLayout layout;
  return layout;
}

}  // namespace baton::layout
