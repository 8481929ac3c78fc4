// Reads every persistent node of a subtree through a zk::NodeReader, many
// reads in flight: each node's data and children in one read (kNode), its
// ACL in another when asked, depth first so that the frontier stays small.
// Emits one entry per node, parents before their children.
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
  void Send();
  void Handle(std::unique_ptr<zk::NodeRead> done);
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
  Counts counts_;
};

}  // namespace baton::layout
