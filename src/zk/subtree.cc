#include "zk/subtree.h"

#include <memory>
#include <vector>

#include "baton/error.h"
#include "util/line_spill.h"
#include "zk/node_reader.h"

namespace baton::zk {
namespace {

// A listing that knows its depth below the root.
struct Listing : NodeRead {
  Listing(std::string path_in, size_t depth_in)
      : NodeRead(kChildren, std::move(path_in)), depth(depth_in) {}
  size_t depth;
};

// Every path listed, one spill per depth, so the deepest go first.
class DepthSpill {
 public:
  void Add(size_t depth, const std::string& path) {
    while (levels_.size() <= depth) levels_.push_back(std::make_unique<util::LineSpill>());
    levels_[depth]->Add(path);
  }

  // Calls fn(path) for every path, deepest level first.
  template <typename Fn>
  void ForEachDeepestFirst(Fn fn) {
    std::string path;
    for (size_t d = levels_.size(); d-- > 0;) {
      levels_[d]->Rewind();
      while (levels_[d]->Next(path)) fn(std::move(path));
    }
  }

 private:
  std::vector<std::unique_ptr<util::LineSpill>> levels_;
};

}  // namespace

uint64_t DeleteDescendants(ZkSession& session, BatchWriter& writer, const std::string& root,
                           int max_in_flight) {
  DepthSpill spill;
  PipelinedReader reader(session);
  // Listed last-in first-out: the frontier stays as small as a depth-first walk's.
  std::vector<std::pair<std::string, size_t>> todo{{root, 0}};
  uint64_t count = 0;
  while (!todo.empty() || reader.outstanding() > 0) {
    while (!todo.empty() && reader.outstanding() < max_in_flight) {
      reader.Send(std::make_unique<Listing>(std::move(todo.back().first), todo.back().second));
      todo.pop_back();
    }
    std::unique_ptr<NodeRead> taken = reader.Take();
    const auto& done = static_cast<const Listing&>(*taken);
    if (done.rc == ZNONODE) continue;
    // A node the session may not read can still be deleted (that takes the
    // parent's permission): taken for a leaf; if it has children, its
    // delete fails naming it.
    if (done.rc == ZNOAUTH && done.depth > 0) continue;
    if (done.rc != ZOK) ThrowZkError(done.rc, "list", done.path);
    std::string prefix = done.path == "/" ? "/" : done.path + "/";
    for (const std::string& child : done.children) {
      std::string path = prefix + child;
      spill.Add(done.depth, path);
      todo.emplace_back(std::move(path), done.depth + 1);
      ++count;
    }
  }
  spill.ForEachDeepestFirst([&writer](std::string path) { writer.Delete(std::move(path)); });
  writer.Flush();
  return count;
}

}  // namespace baton::zk
