// A layout: how one kind of ZooKeeper tree maps to the entries of a backup.
// The operations read a tree and count a backup through it, so a new kind of
// tree is a new implementation, not a change to every job. Marathon's layout
// (layout/marathon/) is the first. Writing a tree back is still Marathon's
// own (marathon::StoreWriter).
//
// Thread safety: a Layout is stateless and const; share it freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "zk/fingerprints.h"
#include "zk/zk_session.h"

namespace baton::layout {

// One node's worth of a backup, in the archive's terms.
struct Entry {
  std::string name;  // the archive entry's name
  std::string data;
  std::string acl;  // zk::Acl text; empty for the open ACL, or when not read
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
};

// What the entries of a backup hold, as the layout counts them.
struct Tally {
  uint64_t items = 0;
  uint64_t versions = 0;
  std::optional<std::string> storage_version;
};

class Layout {
 public:
  virtual ~Layout() = default;

  virtual std::string_view name() const = 0;
  // Emits every entry of the tree under `root`, counts them into `tally`,
  // and records what it read in `prints` when given. Throws baton::Error if
  // `root` is missing or a node does not fit the layout.
  virtual void Read(zk::ZkSession& session, const std::string& root, const ReadOptions& options,
                    const std::function<void(Entry&&)>& emit, Tally& tally,
                    zk::Fingerprints* prints = nullptr) const = 0;
  // How many units a Read() will complete, counted cheaply: the total of a
  // walk's progress.
  virtual uint64_t CountUnits(zk::ZkSession& session, const std::string& root) const = 0;
  // Adds one entry of a backup to `tally`, as Read() would have counted it.
  virtual void Count(const Entry& entry, Tally& tally) const = 0;
};

// Marathon's persistence store (layout/marathon/).
const Layout& Marathon();

}  // namespace baton::layout
