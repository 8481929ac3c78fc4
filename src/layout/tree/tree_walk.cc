#include "layout/tree/tree_walk.h"

#include <fnmatch.h>

#include "baton/error.h"
#include "layout/tree/tree_layout.h"
#include "util/interrupt.h"
#include "zk/zk_session.h"

namespace baton::layout {

// The paths waiting to be read may grow to this many times the reads in
// flight before a listing waits: enough that a wide node's listing (62,500
// children took long enough to starve the reads at 4) arrives before the
// reads run dry, few enough that memory does not follow the tree.
constexpr uint64_t kPathsPerReadInFlight = 16;

// One node's entry, complete once each of its reads is back.
struct TreeWalk::Node {
  Entry entry;
  int parts = 1;
  bool left_out = false;    // ephemeral, or deleted while the walk ran
  bool unreadable = false;  // its ACL does not let the session read it
  Stat stat{};              // its data read's: what a listing is checked by
};

struct TreeWalk::Read : zk::NodeRead {
  Read(Op op_in, std::string path_in, std::shared_ptr<Node> node_in)
      : NodeRead(op_in, std::move(path_in)), node(std::move(node_in)) {}
  std::shared_ptr<Node> node;  // kData, kAcl
  Listing listing;             // kChildren
};

TreeWalk::TreeWalk(zk::NodeReader& reader, std::string root, const ReadOptions& options,
                   const std::function<void(Entry&&)>& emit, zk::Fingerprints* prints)
    : reader_(reader), root_(std::move(root)), options_(options), emit_(emit), prints_(prints) {}

TreeWalk::Counts TreeWalk::Run() {
  todo_.push_back(root_);
  while (!todo_.empty() || !to_list_.empty() || reader_.outstanding() > 0) {
    util::ThrowIfInterrupted();
    while (reader_.outstanding() < options_.max_in_flight) {
      if (!to_list_.empty() && MayList()) {
        SendListing();
      } else if (!todo_.empty()) {
        SendNode();
      } else {
        break;
      }
    }
    // Something is out: a listing waits only while paths wait or listings
    // are in flight.
    Handle(reader_.Take());
  }
  return counts_;
}

bool TreeWalk::MayList() const {
  const uint64_t room = kPathsPerReadInFlight * static_cast<uint64_t>(options_.max_in_flight);
  return todo_.size() + listed_in_flight_ < room;
}

void TreeWalk::SendNode() {
  std::string path = std::move(todo_.back());
  todo_.pop_back();
  auto node = std::make_shared<Node>();
  node->entry.name = EntryName(path);
  node->entry.completes_unit = true;
  node->parts = options_.acls ? 2 : 1;
  if (options_.acls) reader_.Send(std::make_unique<Read>(zk::NodeRead::kAcl, path, node));
  reader_.Send(std::make_unique<Read>(zk::NodeRead::kData, std::move(path), node));
}

void TreeWalk::SendListing() {
  auto read = std::make_unique<Read>(zk::NodeRead::kChildren, to_list_.back().path, nullptr);
  read->listing = std::move(to_list_.back());
  to_list_.pop_back();
  listed_in_flight_ += static_cast<uint64_t>(read->listing.children);
  reader_.Send(std::move(read));
}

void TreeWalk::Handle(std::unique_ptr<zk::NodeRead> done) {
  auto& read = static_cast<Read&>(*done);
  if (read.op == zk::NodeRead::kChildren) return Listed(read);
  Node& node = *read.node;
  if (read.rc == ZNONODE) {
    if (read.path == root_) throw Error("nothing to back up: " + root_ + " does not exist");
    node.left_out = true;  // not part of the state the walk saw
  } else if (read.rc == ZNOAUTH) {
    Unreadable(read.path);
    node.unreadable = true;
  } else if (read.rc != ZOK) {
    zk::ThrowZkError(read.rc, "read", read.path);
  } else if (read.op == zk::NodeRead::kAcl) {
    node.entry.acl = std::move(read.acl);
  } else {
    Data(read);
  }
  if (--node.parts > 0 || node.left_out) return;
  if (node.unreadable) {
    if (counts_.unreadable++ == 0) counts_.first_unreadable = read.path;
    return;
  }
  const Stat& stat = node.stat;
  if (stat.numChildren > 0) {
    to_list_.push_back({read.path, stat.numChildren, stat.mzxid, stat.pzxid, stat.dataLength});
  }
  Finish(node);
}

// A node's data is back, with the counters its entry keeps (cversion,
// numChildren) as of this read. A node without children is recorded for
// the check now, one with children once it is listed.
void TreeWalk::Data(Read& read) {
  Node& node = *read.node;
  const Stat& stat = read.stat;
  if (stat.ephemeralOwner != 0) {
    node.left_out = true;
    if (counts_.ephemerals++ == 0) counts_.first_ephemeral = read.path;
    return;
  }
  node.stat = stat;
  // The data length lets the point-in-time check read a small node's Stat
  // in a batch rather than as a request of its own.
  if (prints_ != nullptr && stat.numChildren == 0) {
    prints_->AddBoth(read.path, stat.mzxid, stat.pzxid, stat.dataLength);
  }
  node.entry.data = std::move(read.data);
  node.entry.attributes = {{kVersionAttribute, std::to_string(stat.version)},
                           {kChildVersionAttribute, std::to_string(stat.cversion)},
                           {kChildrenAttribute, std::to_string(stat.numChildren)}};
}

// A node's children are back: they are read in name order (pushed in
// reverse). The check compares the node's Stat as its data read saw it:
// its entry's counters are from that read, so a child created or deleted
// since, even before this listing, must make the walk read again.
void TreeWalk::Listed(Read& read) {
  Listing& listing = read.listing;
  listed_in_flight_ -= static_cast<uint64_t>(listing.children);
  if (read.rc == ZNONODE) {
    // Deleted since its data was read: the check finds it gone.
    if (prints_ != nullptr) prints_->Add(read.path, zk::Fingerprints::kData, listing.mzxid);
    return;
  }
  if (read.rc == ZNOAUTH) {  // its ACL changed since its data was read
    Unreadable(read.path);
    if (counts_.unreadable++ == 0) counts_.first_unreadable = read.path;
    if (prints_ != nullptr) prints_->Add(read.path, zk::Fingerprints::kData, listing.mzxid);
    return;
  }
  if (read.rc != ZOK) zk::ThrowZkError(read.rc, "list", read.path);
  if (prints_ != nullptr) {
    prints_->AddBoth(read.path, listing.mzxid, listing.pzxid, listing.length);
  }
  const std::string prefix = read.path + "/";
  for (auto it = read.children.rbegin(); it != read.children.rend(); ++it) {
    std::string child = prefix + *it;
    if (!Excluded(child)) todo_.push_back(std::move(child));
  }
}

// Neither its data nor its children can be read: the backup would not be
// the tree. Named, unless the user chose to leave such nodes out.
void TreeWalk::Unreadable(const std::string& path) const {
  if (options_.skip_unreadable && path != root_) return;  // an unreadable root is no backup
  throw Error("cannot read " + path +
              ": its ACL does not let this session read it; give --zk the credentials of a "
              "user who may, or pass --skip_unreadable to leave such nodes out (with what "
              "is below them)");
}

void TreeWalk::Finish(Node& node) {
  ++counts_.nodes;
  emit_(std::move(node.entry));
}

bool TreeWalk::Excluded(const std::string& path) const {
  const std::string below = path.substr(root_.size());
  for (const std::string& glob : options_.exclude) {
    if (fnmatch(glob.c_str(), below.c_str(), 0) == 0) return true;
  }
  return false;
}

std::string TreeWalk::EntryName(const std::string& path) const {
  return std::string(kTreeEntryPrefix).append(path, root_.size(), std::string::npos);
}

}  // namespace baton::layout
