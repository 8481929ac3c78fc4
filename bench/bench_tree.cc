#include "bench_tree.h"

#include <cstdio>

namespace baton::bench {
namespace {

// xorshift32: deterministic, fast, good enough for sizes and filler text.
uint32_t Next(uint32_t& state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

std::string VersionName(uint32_t i) {
  char name[40];
  std::snprintf(name, sizeof name, "2026-01-%02uT%02u:%02u:%02u.%03uZ", 1 + i / 86400 % 28,
                i / 3600 % 24, i / 60 % 60, i % 60, i % 1000);
  return name;
}

}  // namespace

BenchTree::BenchTree(const std::string& state_root, uint64_t target_nodes) {
  const uint64_t apps = target_nodes * 4 / 100;  // each with 9 versions: 40% of the nodes
  const int kVersions = 9, kGroupVersions = 6;
  const uint64_t fixed = 4 + 4 * 16 + 1 + kGroupVersions + 1;
  const uint64_t instances = target_nodes > fixed + apps * (1 + kVersions)
                                 ? target_nodes - fixed - apps * (1 + kVersions)
                                 : 0;
  uint32_t sizes = 0x9e3779b9;
  auto sized = [&sizes](uint32_t low, uint32_t high, bool has_children = false) {
    return BenchNode{.size = low + Next(sizes) % (high - low + 1), .has_children = has_children};
  };
  testing::MarathonTreeBuilder b(state_root);
  b.AllBuckets("apps");
  for (uint64_t i = 0; i < apps; ++i) {
    std::string id = "_prod_app-" + std::to_string(i);
    b.Item("apps", id, sized(1000, 4096, true));
    for (int v = 0; v < kVersions; ++v) {
      b.Version("apps", id, VersionName(static_cast<uint32_t>(i * kVersions + v)),
                sized(1000, 4096));
    }
  }
  b.AllBuckets("instances");
  for (uint64_t i = 0; i < instances; ++i) {
    b.Item("instances",
           "_prod_app-" + std::to_string(i % (apps + 1)) + ".instance-" + std::to_string(i),
           sized(100, 1000));
  }
  b.AllBuckets("groups");
  b.Item("groups", "root", sized(900'000, 1'000'000, true));
  for (int v = 0; v < kGroupVersions; ++v) {
    b.Version("groups", "root", VersionName(static_cast<uint32_t>(v)), sized(900'000, 1'000'000));
  }
  b.AllBuckets("framework-id");
  b.Item("framework-id", "id", BenchNode{.size = 36});
  nodes_ = std::move(b.nodes());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i].seed = static_cast<uint32_t>(i + 1);
    value_bytes_ += nodes_[i].size;
  }
}

std::string BenchTree::Value(const BenchNode& node) {
  static constexpr char kWords[][8] = {"cmd",   "mem",  "cpus",  "\"id\"", "docker", "ports",
                                       "true",  "null", "128",   "0.5",    "image",  "labels",
                                       "false", "env",  "/prod", "{",      "}",      "[]"};
  std::string value;
  value.reserve(node.size + 8);
  uint32_t state = node.seed * 2654435761u + 1;
  while (value.size() < node.size) {
    uint32_t r = Next(state);
    if (r % 4 == 0) {
      value += static_cast<char>('a' + r / 4 % 26);  // some entropy, as ids and hashes have
    } else {
      value += kWords[r / 4 % (sizeof kWords / sizeof kWords[0])];
      value += r % 3 == 0 ? ':' : ',';
    }
  }
  value.resize(node.size);
  return value;
}

}  // namespace baton::bench
