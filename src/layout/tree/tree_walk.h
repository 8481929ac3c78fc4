// Reads every persistent node of a subtree through a zk::NodeReader, many
// reads in flight: each node's data (with its Stat), its ACL when asked, and
// the children of a node that has any in a read of its own, sent only while
// few paths wait to be read. Depth first, so memory is bounded by the widest
// node rather than the tree: listing every node as it is read queued every
// path of a 1,000,000-node tree at once. Emits one entry per node, parents
// before their children.
//
// Thread safety: none; one walk, one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layout/layout.h"
#include "zk/fingerprints.h"
#include "zk/node_reader.h"

namespace baton::layout {

class TreeWalk {
 public:
  struct Counts {
    uint64_t nodes = 0;
    uint64_t ephemerals = 0;  // left out
    std::string first_ephemeral;
    uint64_t unreadable = 0;  // left out with ReadOptions::skip_unreadable
    std::string first_unreadable;
  };

  // `root` is one TreeLayout::ScopeOf took: never /zookeeper, /baton or
  // above them.
  TreeWalk(zk::NodeReader& reader, std::string root, const ReadOptions& options,
           const std::function<void(Entry&&)>& emit, zk::Fingerprints* prints);

  // Throws baton::Error when the root is missing or a read fails (a node
  // the session may not read, unless ReadOptions::skip_unreadable).
  Counts Run();

 private:
  struct Node;
  struct Read;
  // A kept node with children, listed once its entry is out: a child's
  // entry must follow its parent's (a restore creates them in archive order).
  struct Listing {
    std::string path;
    int32_t children = 0;  // as its data's Stat counted them
    int64_t mzxid = 0;     // of the data its entry holds
    int64_t pzxid = 0;     // of the children as its entry counts them
    int32_t length = 0;
  };
  // Whether a listing may go out: the paths waiting, and those its listings
  // in flight will add, are few.
  bool MayList() const;
  void SendNode();
  void SendListing();
  void Handle(std::unique_ptr<zk::NodeRead> done);
  void Data(Read& read);
  void Listed(Read& read);
  void Unreadable(const std::string& path) const;
  void Finish(Node& node);
  std::string EntryName(const std::string& path) const;
  // Whether `path` matches one of ReadOptions::exclude.
  bool Excluded(const std::string& path) const;

  zk::NodeReader& reader_;
  std::string root_;
  ReadOptions options_;
  const std::function<void(Entry&&)>& emit_;
  zk::Fingerprints* prints_;
  std::vector<std::string> todo_;  // paths to read, the deepest last
  std::vector<Listing> to_list_;   // read nodes with children, the deepest last
  uint64_t listed_in_flight_ = 0;  // children the listings in flight will add
  Counts counts_;
};

}  // namespace baton::layout
