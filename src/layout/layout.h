// A layout: how one kind of ZooKeeper tree maps to the entries of a backup.
// The operations read a tree, check and count a backup, and write a tree back
// through it, so a new kind of tree is a new implementation, not a change to
// every job. Marathon's layout (layout/marathon/) is the first.
//
// Thread safety: a Layout is stateless and const; share it freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "baton/error.h"
#include "baton/zk_url.h"
#include "zk/batch_writer.h"
#include "zk/fingerprints.h"
#include "zk/node_reader.h"
#include "zk/zk_session.h"

namespace baton::layout {

// One node's worth of a backup, in the archive's terms.
struct Entry {
  std::string name;  // the archive entry's name
  std::string data;
  std::string acl;  // zk::Acl text; empty for the open ACL, or when not read
  // More of what the layout records of the node, as archive attributes
  // (baton format only): name, value.
  std::vector<std::pair<std::string, std::string>> attributes = {};
  // The entry that completes one of the units CountUnits() counts (the
  // progress of a walk).
  bool completes_unit = false;
};

struct ReadOptions {
  // Reads in flight at once.
  int max_in_flight = 2000;
  // Replies may hold this many bytes at once; fewer reads go out when nodes
  // are large.
  size_t max_bytes_in_flight = size_t{64} << 20;
  // Read each node's ACL too (one more read per node).
  bool acls = false;
  // Globs of paths below the root left out with their subtrees
  // (BackupOptions::exclude; tree layout only).
  std::vector<std::string> exclude = {};
  // Leave out the nodes the session may not read, with their subtrees,
  // instead of failing (tree layout only).
  bool skip_unreadable = false;
};

// What the entries of a backup hold, as the layout counts them.
struct Tally {
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t ephemerals = 0;  // left out (tree layout)
  uint64_t unreadable = 0;  // left out: the session may not read them (tree layout)
  std::optional<std::string> storage_version;
};

// A node of the tree is there but its contents cannot be read as the layout
// expects.
class UnreadableNode : public Error {
 public:
  using Error::Error;
};

// What an entry's name says about it, as a layout reads it.
struct EntryKind {
  std::string category;          // what it is counted under ("apps", ...)
  bool version = false;          // an older version, not a current value
  bool storage_version = false;  // the layout's own format marker
  // The unit (id) it belongs to, for WriteOptions::valued_units; none where
  // the layout's writer needs no units (the tree layout), so that nothing is
  // kept per entry.
  std::optional<uint64_t> unit;
};

struct WriteOptions {
  // The backup recorded every ACL: entries without one get the open ACL
  // (otherwise the writing session's).
  bool acls_recorded = false;
  // Units whose current value the backup holds (-> whether it records an
  // ACL), as the validation pass found them; the writer needs it when a
  // unit's versions come before its value. Null: not known.
  const std::unordered_map<uint64_t, bool>* valued_units = nullptr;
  // Bring back the counters the backup recorded (RestoreOptions), within
  // this many operations.
  bool restore_counters = true;
  uint64_t max_counter_ops = 1'000'000;
  // Write into the tree as it is (RestoreOptions::merge): nodes that exist
  // are updated, the others created, none deleted. Otherwise the tree was
  // just emptied. Layouts that cannot merge refuse it (NewWriter).
  bool merge = false;
};

// Writes one backup's entries into a tree that was just emptied (or, when
// merging, as it is). Not thread-safe: one thread writes.
class TreeWriter {
 public:
  virtual ~TreeWriter() = default;
  virtual void Write(Entry&& entry) = 0;
  // Writes what the layout keeps for last and waits for every write.
  virtual void Finish() = 0;
};

// Where a layout's tree lives under a --zk URL, and Baton's own nodes for it.
struct Scope {
  std::string data;     // the tree that is backed up and replaced
  std::string control;  // the ownership lock, the restore marker, backup markers
  // A restore that finds no `data` node creates it as a container (Marathon's
  // state, as Curator creates it) or as a persistent node (a tree's root,
  // which must outlive its children).
  bool data_is_container = true;
  // Where trees nest (/kafka and /kafka/config), their control paths nest
  // under this root, and a restore of one owns the others too
  // (operations/ownership.h); "" where trees do not nest.
  std::string control_family = "";
};

class Layout {
 public:
  virtual ~Layout() = default;

  virtual std::string_view name() const = 0;
  virtual Scope ScopeOf(const ZkUrl& zk) const = 0;
  // Refuses (baton::Error, kRefused) while a live service writes into the
  // tree of `zk`, which a restore would replace under its feet.
  virtual void RefuseWhileInUse(zk::ZkSession& session, const ZkUrl& zk) const = 0;
  // Emits every entry of the tree under `root`, read through `reader` (and
  // `session` for single reads), counts them into `tally`,
  // and records what it read in `prints` when given. Throws baton::Error if
  // `root` is missing or a node does not fit the layout.
  virtual void Read(zk::ZkSession& session, zk::NodeReader& reader, const std::string& root,
                    const ReadOptions& options, const std::function<void(Entry&&)>& emit,
                    Tally& tally, zk::Fingerprints* prints = nullptr) const = 0;
  // How many units a Read() will complete, counted cheaply: the total of a
  // walk's progress.
  virtual uint64_t CountUnits(zk::ZkSession& session, const std::string& root) const = 0;
  // Adds one entry of a backup to `tally`, as Read() would have counted it.
  virtual void Count(const Entry& entry, Tally& tally) const = 0;

  // What the entry named `name` is. Throws baton::Error (kCorruptBackup)
  // when the name is not one of this layout's.
  virtual EntryKind Describe(std::string_view name) const = 0;
  // Checks the attributes the layout itself recorded on an entry (name,
  // value), while a backup is validated: throws baton::Error
  // (kCorruptBackup) for a value it could not write back.
  virtual void CheckAttributes(
      std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& attributes) const = 0;
  // Whether a complete backup of this layout holds a storage version
  // (Marathon writes it last, so a backup without one may be cut short).
  virtual bool HasStorageVersion() const = 0;
  // Whether a restore can write into the tree as it is (WriteOptions::merge).
  virtual bool CanMerge() const = 0;
  // Whether a read can leave nodes out (ReadOptions::exclude,
  // skip_unreadable).
  virtual bool CanLeaveNodesOut() const = 0;
  // Whether Marathon's archive format (ArchiveFormat::kMarathon), which has
  // no manifest to name a layout, can hold its backups.
  virtual bool FitsMarathonFormat() const = 0;
  // The manifest format version its backups are written in: 1 names no
  // layout (so means Marathon's) and older builds read it; a later layout
  // needs 2, which they refuse.
  virtual int ManifestFormatVersion() const = 0;
  // The storage version a storage_version entry's data holds, as text.
  // Throws baton::Error when it cannot be read.
  virtual std::string StorageVersion(const std::string& data) const = 0;
  // The storage version of the tree under `root` now, if it has one. Throws
  // UnreadableNode when it has one that cannot be read.
  virtual std::optional<std::string> CurrentStorageVersion(zk::ZkSession& session,
                                                           const std::string& root) const = 0;
  // A writer of entries under `root` through `writer`. Throws baton::Error
  // (kInvalidInput) for options the layout cannot honour.
  virtual std::unique_ptr<TreeWriter> NewWriter(zk::BatchWriter& writer, const std::string& root,
                                                const WriteOptions& options) const = 0;
};

// Marathon's persistence store (layout/marathon/).
const Layout& Marathon();

// Every layout, Marathon's (the default) first.
const std::vector<const Layout*>& All();
// Their names, as --layout takes them.
std::vector<std::string> Names();

// The layout called `name` (one of Names()); throws baton::Error
// (kInvalidInput) naming the known ones.
const Layout& Named(std::string_view name);

// The layout whose backups hold an entry named `name`: entry names never
// overlap (a tree backup's start with "zk-tree/n").
const Layout& OfEntry(std::string_view name);

}  // namespace baton::layout
