#include "zk_probes.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "zk/completion_queue.h"

namespace baton::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Queue = zk::CompletionQueue<int>;

void Check(int rc, const char* what, const std::string& path) {
  if (rc != ZOK) throw std::runtime_error(std::string(what) + " " + path + ": " + zerror(rc));
}

// Keeps up to `window` asynchronous requests in flight; `send` issues one
// with the given completion context and returns the client's rc.
class Window {
 public:
  explicit Window(int window) : window_(window) {}
  ~Window() { queue_.Drain(); }

  template <typename Send>
  void Issue(Send send) {
    while (queue_.outstanding() >= window_) Done(queue_.Pop());
    queue_.Expect();
    int rc = send(static_cast<const void*>(&queue_));
    if (rc != ZOK) {
      queue_.Cancel();
      Check(rc, "send", "");
    }
  }
  void Finish() {
    while (queue_.outstanding() > 0) Done(queue_.Pop());
  }

  static void OnData(int rc, const char*, int, const Stat*, const void* q) { Push(rc, q); }
  static void OnStrings(int rc, const String_vector*, const void* q) { Push(rc, q); }
  static void OnMulti(int rc, const void* q) { Push(rc, q); }

 private:
  static void Push(int rc, const void* q) { static_cast<Queue*>(const_cast<void*>(q))->Push(rc); }
  static void Done(int rc) { Check(rc, "request", "(pipelined)"); }

  int window_;
  Queue queue_;
};

// Runs `step` on each node, parents first, until the budget is spent; the
// rate is measured over the nodes done.
template <typename Step>
ProbeResult Bounded(const BenchTree& tree, Budget budget, Step step) {
  ProbeResult result;
  auto start = Clock::now();
  for (const BenchNode& node : tree.nodes()) {
    if (result.nodes >= budget.max_nodes || Clock::now() - start > budget.max_time) break;
    step(node);
    result.bytes += node.size;
    ++result.nodes;
  }
  result.seconds = Since(start);
  return result;
}

}  // namespace

ProbeResult PipelinedRead(zhandle_t* zh, const BenchTree& tree, int window) {
  ProbeResult result;
  auto start = Clock::now();
  Window w(window);
  for (const BenchNode& node : tree.nodes()) {
    w.Issue([&](const void* q) { return zoo_aget(zh, node.path.c_str(), 0, &Window::OnData, q); });
    result.bytes += node.size;
  }
  w.Finish();
  result.nodes = tree.nodes().size();
  result.seconds = Since(start);
  return result;
}

ProbeResult MultiCreate(zhandle_t* zh, const BenchTree& tree, int max_ops, size_t max_bytes,
                        int window) {
  // One batch's requests and the buffers they point into; kept alive until
  // its completion, since the client serializes them only when sending.
  struct Batch {
    std::vector<std::string> values;
    std::vector<zoo_op_t> ops;
    std::vector<zoo_op_result_t> results;
  };
  ProbeResult result;
  auto start = Clock::now();
  std::vector<std::unique_ptr<Batch>> batches;
  {
    Window w(window);
    size_t i = 0;
    const auto& nodes = tree.nodes();
    while (i < nodes.size()) {
      auto batch = std::make_unique<Batch>();
      size_t bytes = 0;
      size_t end = i;
      while (end < nodes.size() && batch->values.size() < static_cast<size_t>(max_ops)) {
        size_t size = nodes[end].size + nodes[end].path.size() + 64;
        if (!batch->values.empty() && bytes + size > max_bytes) break;
        batch->values.push_back(BenchTree::Value(nodes[end]));
        bytes += size;
        result.bytes += nodes[end].size;
        ++end;
      }
      for (size_t k = i; k < end; ++k) {
        const BenchNode& node = nodes[k];
        const std::string& value = batch->values[k - i];
        zoo_op_t op;
        // Containers as persistent nodes: the 3.8 C client cannot parse a
        // multi reply holding a container create (it leaks, or asserts).
        zoo_create_op_init(&op, node.path.c_str(), value.data(), static_cast<int>(value.size()),
                           &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, nullptr, 0);
        batch->ops.push_back(op);
      }
      batch->results.resize(batch->ops.size());
      Batch* b = batch.get();
      w.Issue([&](const void* q) {
        return zoo_amulti(zh, static_cast<int>(b->ops.size()), b->ops.data(), b->results.data(),
                          &Window::OnMulti, q);
      });
      batches.push_back(std::move(batch));
      // Replies come in order and at most `window` are awaited, so all but
      // the newest `window` batches are done and can go.
      if (batches.size() > static_cast<size_t>(window) * 2) {
        batches.erase(batches.begin(), batches.begin() + window);
      }
      i = end;
    }
    w.Finish();
  }
  result.nodes = tree.nodes().size();
  result.seconds = Since(start);
  return result;
}

ProbeResult SequentialRead(zhandle_t* zh, const BenchTree& tree, Budget budget) {
  std::vector<char> buffer(2 << 20);
  return Bounded(tree, budget, [&](const BenchNode& node) {
    if (node.has_children) {
      String_vector children{};
      Check(zoo_get_children(zh, node.path.c_str(), 0, &children), "list", node.path);
      deallocate_String_vector(&children);
    }
    int len = static_cast<int>(buffer.size());
    Stat stat{};
    Check(zoo_get(zh, node.path.c_str(), 0, buffer.data(), &len, &stat), "get", node.path);
  });
}

ProbeResult SequentialCreate(zhandle_t* zh, const BenchTree& tree, Budget budget) {
  return Bounded(tree, budget, [&](const BenchNode& node) {
    std::string value = BenchTree::Value(node);
    Check(zoo_create(zh, node.path.c_str(), value.data(), static_cast<int>(value.size()),
                     &ZOO_OPEN_ACL_UNSAFE, node.container ? ZOO_CONTAINER : ZOO_PERSISTENT, nullptr,
                     0),
          "create", node.path);
  });
}

ProbeResult MarathonRead(zhandle_t* zh, const BenchTree& tree, Budget budget) {
  Window w(32);
  ProbeResult result = Bounded(tree, budget, [&](const BenchNode& node) {
    if (node.has_children) {
      w.Issue([&](const void* q) {
        return zoo_aget_children(zh, node.path.c_str(), 0, &Window::OnStrings, q);
      });
    }
    if (!node.container) {
      w.Issue(
          [&](const void* q) { return zoo_aget(zh, node.path.c_str(), 0, &Window::OnData, q); });
    }
  });
  auto start = Clock::now();
  w.Finish();
  result.seconds += Since(start);
  return result;
}

ProbeResult MarathonWrite(zhandle_t* zh, const BenchTree& tree, Budget budget) {
  return Bounded(tree, budget, [&](const BenchNode& node) {
    std::string value = BenchTree::Value(node);
    int rc = ZOK;
    if (node.container) {
      // Curator's creatingParentContainersIfNeeded: exists, then create.
      Stat stat{};
      rc = zoo_exists(zh, node.path.c_str(), 0, &stat);
    } else {
      rc = zoo_set(zh, node.path.c_str(), value.data(), static_cast<int>(value.size()), -1);
    }
    if (rc == ZNONODE) {
      rc = zoo_create(zh, node.path.c_str(), value.data(), static_cast<int>(value.size()),
                      &ZOO_OPEN_ACL_UNSAFE, node.container ? ZOO_CONTAINER : ZOO_PERSISTENT,
                      nullptr, 0);
    }
    Check(rc, "write", node.path);
  });
}

ProbeResult ZkcopyRead(zhandle_t* zh, const BenchTree& tree, int workers, Budget budget) {
  // A worker's two synchronous calls per node are two requests in flight at
  // most per worker, the second sent when the first is answered: the same
  // as `workers` nodes in flight, each request of a node after the other.
  Window w(workers);
  ProbeResult result = Bounded(tree, budget, [&](const BenchNode& node) {
    w.Issue([&](const void* q) { return zoo_aget(zh, node.path.c_str(), 0, &Window::OnData, q); });
    w.Issue([&](const void* q) {
      return zoo_aget_children(zh, node.path.c_str(), 0, &Window::OnStrings, q);
    });
  });
  auto start = Clock::now();
  w.Finish();
  result.seconds += Since(start);
  return result;
}

ProbeResult ZkcopyWrite(zhandle_t* zh, const BenchTree& tree, int batch_ops, Budget budget) {
  std::vector<std::string> values;
  std::vector<zoo_op_t> ops;
  size_t bytes = 0;
  auto commit = [&] {
    if (ops.empty()) return;
    std::vector<zoo_op_result_t> results(ops.size());
    Check(zoo_multi(zh, static_cast<int>(ops.size()), ops.data(), results.data()), "multi",
          ops.front().create_op.path);
    ops.clear();
    values.clear();
    bytes = 0;
  };
  values.reserve(static_cast<size_t>(batch_ops));
  ProbeResult result = Bounded(tree, budget, [&](const BenchNode& node) {
    Stat stat{};
    int rc = zoo_exists(zh, node.path.c_str(), 0, &stat);
    if (rc != ZNONODE) Check(rc, "exists", node.path);
    const size_t size = node.size + node.path.size() + 64;
    if (static_cast<int>(ops.size()) >= batch_ops || bytes + size > (1000 << 10)) commit();
    values.push_back(BenchTree::Value(node));
    bytes += size;
    ops.emplace_back();
    zoo_create_op_init(&ops.back(), node.path.c_str(), values.back().data(),
                       static_cast<int>(values.back().size()), &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT,
                       nullptr, 0);
    // zkcopy lists every node of the target once its children are queued
    // (a node not committed yet answers NoNode); the cost is the same here.
    String_vector children{};
    rc = zoo_get_children(zh, node.path.c_str(), 0, &children);
    if (rc == ZOK) deallocate_String_vector(&children);
    if (rc != ZNONODE) Check(rc, "list", node.path);
  });
  auto start = Clock::now();
  commit();
  result.seconds += Since(start);
  return result;
}

}  // namespace baton::bench
