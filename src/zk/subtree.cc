#include "zk/subtree.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "baton/error.h"
#include "zk/completion_queue.h"

namespace baton::zk {
namespace {

struct Listing;
using ListingQueue = CompletionQueue<std::unique_ptr<Listing>>;

struct Listing {
  std::string path;
  size_t depth = 0;
  ListingQueue* queue = nullptr;
  int rc = ZOK;
  std::vector<std::string> children;
};

void OnChildren(int rc, const String_vector* strings, const void* context) {
  std::unique_ptr<Listing> listing(static_cast<Listing*>(const_cast<void*>(context)));
  listing->rc = rc;
  if (rc == ZOK && strings != nullptr) {
    for (int i = 0; i < strings->count; ++i) listing->children.emplace_back(strings->data[i]);
  }
  ListingQueue* queue = listing->queue;
  queue->Push(std::move(listing));
}

using File = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

// Node names cannot contain control characters, so one path per line is safe.
class DepthSpill {
 public:
  void Add(size_t depth, const std::string& path) {
    while (files_.size() <= depth) {
      std::FILE* f = std::tmpfile();
      if (f == nullptr) throw Error("cannot create a temporary file to list the tree");
      files_.emplace_back(f, &std::fclose);
    }
    if (std::fputs(path.c_str(), files_[depth].get()) < 0 ||
        std::fputc('\n', files_[depth].get()) == EOF) {
      throw Error("cannot write the temporary tree listing");
    }
  }

  // Calls fn(path) for every path, deepest level first.
  template <typename Fn>
  void ForEachDeepestFirst(Fn fn) {
    struct Line {
      char* text = nullptr;
      size_t capacity = 0;
      ~Line() { std::free(text); }
    } line;
    for (size_t d = files_.size(); d-- > 0;) {
      std::FILE* f = files_[d].get();
      std::rewind(f);
      ssize_t n;
      while ((n = ::getline(&line.text, &line.capacity, f)) > 0) {
        fn(std::string(line.text, static_cast<size_t>(n - 1)));
      }
    }
  }

 private:
  std::vector<File> files_;
};

}  // namespace

uint64_t DeleteDescendants(ZkSession& session, BatchWriter& writer, const std::string& root,
                           int max_in_flight) {
  DepthSpill spill;
  ListingQueue queue;
  // Listed last-in first-out: the frontier stays as small as a depth-first walk's.
  std::vector<std::pair<std::string, size_t>> todo{{root, 0}};
  uint64_t count = 0;
  try {
    while (!todo.empty() || queue.outstanding() > 0) {
      while (!todo.empty() && queue.outstanding() < max_in_flight) {
        auto listing = std::make_unique<Listing>();
        listing->path = std::move(todo.back().first);
        listing->depth = todo.back().second;
        listing->queue = &queue;
        todo.pop_back();
        queue.Expect();
        Listing* context = listing.release();
        int rc =
            zoo_aget_children(session.handle(), context->path.c_str(), 0, &OnChildren, context);
        if (rc != ZOK) {
          queue.Cancel();
          std::unique_ptr<Listing> failed(context);
          ThrowZkError(rc, "list", failed->path);
        }
      }
      std::unique_ptr<Listing> done = queue.Pop();
      if (done->rc == ZNONODE) continue;
      // A node the session may not read can still be deleted (that takes the
      // parent's permission): taken for a leaf; if it has children, its
      // delete fails naming it.
      if (done->rc == ZNOAUTH && done->depth > 0) continue;
      if (done->rc != ZOK) ThrowZkError(done->rc, "list", done->path);
      std::string prefix = done->path == "/" ? "/" : done->path + "/";
      for (const std::string& child : done->children) {
        std::string path = prefix + child;
        spill.Add(done->depth, path);
        todo.emplace_back(std::move(path), done->depth + 1);
        ++count;
      }
    }
  } catch (...) {
    queue.Drain();
    throw;
  }
  spill.ForEachDeepestFirst([&writer](std::string path) { writer.Delete(std::move(path)); });
  writer.Flush();
  return count;
}

}  // namespace baton::zk
