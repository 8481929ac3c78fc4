#include "bench_tree.h"

#include <cstdio>

#include "layout/marathon/bucket.h"

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
  auto between = [&sizes](uint32_t low, uint32_t high) {
    return low + Next(sizes) % (high - low + 1);
  };
  for (const char* category : {"apps", "instances", "groups", "framework-id"}) {
    std::string category_path = state_root + "/" + category;
    Add(category_path, 0, true);
    for (int b = 0; b < 16; ++b) Add(category_path + "/" + "0123456789abcdef"[b], 0, true);
    auto id_path = [&](const std::string& id) {
      return category_path + "/" + marathon::BucketOf(id) + "/" + id;
    };
    std::string name = category;
    if (name == "apps") {
      for (uint64_t i = 0; i < apps; ++i) {
        std::string id = id_path("_prod_app-" + std::to_string(i));
        Add(id, between(1000, 4096), false, true);
        for (int v = 0; v < kVersions; ++v) {
          Add(id + "/" + VersionName(static_cast<uint32_t>(i * kVersions + v)), between(1000, 4096),
              false);
        }
      }
    } else if (name == "instances") {
      for (uint64_t i = 0; i < instances; ++i) {
        Add(id_path("_prod_app-" + std::to_string(i % (apps + 1)) + ".instance-" +
                    std::to_string(i)),
            between(100, 1000), false);
      }
    } else if (name == "groups") {
      std::string root = id_path("root");
      Add(root, between(900'000, 1'000'000), false, true);
      for (int v = 0; v < kGroupVersions; ++v) {
        Add(root + "/" + VersionName(static_cast<uint32_t>(v)), between(900'000, 1'000'000), false);
      }
    } else {
      Add(id_path("id"), 36, false);
    }
  }
}

void BenchTree::Add(std::string path, uint32_t size, bool container, bool has_children) {
  nodes_.push_back(
      BenchNode{std::move(path), size, next_seed_++, container, container || has_children});
  value_bytes_ += size;
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
