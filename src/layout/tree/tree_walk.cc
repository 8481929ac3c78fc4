#include "layout/tree/tree_walk.h"

#include <fnmatch.h>

#include "baton/error.h"
#include "layout/tree/tree_layout.h"
#include "util/interrupt.h"
#include "zk/zk_session.h"

namespace baton::layout {

// One node's entry, complete once each of its reads is back.
struct TreeWalk::Node {
  Entry entry;
  int parts = 1;
  bool left_out = false;    // ephemeral, or deleted while the walk ran
  bool unreadable = false;  // its ACL does not let the session read it
  // Read once every part is in and the node is kept: a child's entry must
  // follow its parent's (a restore creates them in archive order).
  std::vector<std::string> children;
};

struct TreeWalk::Read : zk::NodeRead {
  Read(Op op_in, std::string path_in, std::shared_ptr<Node> node_in)
      : NodeRead(op_in, std::move(path_in)), node(std::move(node_in)) {}
  std::shared_ptr<Node> node;
};

TreeWalk::TreeWalk(zk::NodeReader& reader, std::string root, const ReadOptions& options,
                   const std::function<void(Entry&&)>& emit, zk::Fingerprints* prints)
    : reader_(reader), root_(std::move(root)), options_(options), emit_(emit), prints_(prints) {}

TreeWalk::Counts TreeWalk::Run() {
  todo_.push_back(root_);
  while (!todo_.empty() || reader_.outstanding() > 0) {
    util::ThrowIfInterrupted();
    while (!todo_.empty() && reader_.outstanding() < options_.max_in_flight) Send();
    Handle(reader_.Take());
  }
  return counts_;
}

void TreeWalk::Send() {
  std::string path = std::move(todo_.back());
  todo_.pop_back();
  auto node = std::make_shared<Node>();
  node->entry.name = EntryName(path);
  node->entry.completes_unit = true;
  node->parts = options_.acls ? 2 : 1;
  if (options_.acls) reader_.Send(std::make_unique<Read>(zk::NodeRead::kAcl, path, node));
  reader_.Send(std::make_unique<Read>(zk::NodeRead::kNode, std::move(path), node));
}

void TreeWalk::Handle(std::unique_ptr<zk::NodeRead> done) {
  auto& read = static_cast<Read&>(*done);
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
    Listed(read);
  }
  if (--node.parts > 0 || node.left_out) return;
  if (node.unreadable) {
    if (counts_.unreadable++ == 0) counts_.first_unreadable = read.path;
    return;
  }
  for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
    todo_.push_back(std::move(*it));
  }
  Finish(node);
}

// A node's data and children are back: its children are read once the node
// is complete, in name order (pushed in reverse).
void TreeWalk::Listed(Read& read) {
  Node& node = *read.node;
  const Stat& stat = read.stat;
  if (stat.ephemeralOwner != 0) {
    node.left_out = true;
    if (counts_.ephemerals++ == 0) counts_.first_ephemeral = read.path;
    return;
  }
  // The data length lets the point-in-time check read a small node's Stat
  // in a batch rather than as a request of its own.
  if (prints_ != nullptr) prints_->AddBoth(read.path, stat.mzxid, stat.pzxid, stat.dataLength);
  node.entry.data = std::move(read.data);
  node.entry.attributes = {{kVersionAttribute, std::to_string(stat.version)},
                           {kChildVersionAttribute, std::to_string(stat.cversion)},
                           {kChildrenAttribute, std::to_string(stat.numChildren)}};
  const std::string prefix = read.path + "/";
  for (const std::string& name : read.children) {
    std::string child = prefix + name;
    if (!Excluded(child)) node.children.push_back(std::move(child));
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
