#include "support/marathon_tree.h"

#include "marathon.pb.h"
#include "testing/marathon_tree_builder.h"

namespace baton::testing {
namespace {

// Bytes that exercise binary round trips: NULs, high bytes, newlines.
std::string Payload(const std::string& seed, size_t size) {
  std::string out(size, '\0');
  uint32_t x = 2166136261u;
  for (char c : seed) x = (x ^ static_cast<unsigned char>(c)) * 16777619u;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

}  // namespace

std::string WrappedStorageVersion(unsigned major, unsigned minor, unsigned patch) {
  mesosphere::marathon::StorageVersion version;
  version.set_major(major);
  version.set_minor(minor);
  version.set_patch(patch);
  version.set_format(mesosphere::marathon::StorageVersion::PERSISTENCE_STORE);
  mesosphere::marathon::ZKStoreEntry entry;
  entry.set_name("internal:storage:version");
  entry.set_uuid("6a4b1b6e-4c1b-4f0e-9a43-0d7f7e8f1c2a");
  entry.set_value(version.SerializeAsString());
  entry.set_compressed(false);
  return entry.SerializeAsString();
}

std::string UnwrappedStorageVersion(const std::string& node_data) {
  mesosphere::marathon::ZKStoreEntry entry;
  if (!entry.ParseFromString(node_data)) return "<not a ZKStoreEntry>";
  return entry.value();
}

std::vector<NewNode> MarathonTree(const std::string& state_root, const TreeShape& shape) {
  MarathonTreeBuilder b(state_root);
  auto value = [](std::string data) { return TreeNode{.data = std::move(data)}; };
  for (int a = 0; a < shape.apps; ++a) {
    std::string id = "_prod_service-" + std::to_string(a);
    b.Item("apps", id, value(Payload(id, 200 + static_cast<size_t>(a % 50) * 40)));
    for (int v = 0; v < shape.versions_per_app; ++v) {
      // Spelled as Marathon names version nodes: the millisecond fraction as
      // short as possible, and none when it is zero.
      char buf[64];
      std::snprintf(buf, sizeof buf, "2017-%02d-%02dT%02d:%02d:%02d.%03d", 1 + v % 12, 1 + a % 28,
                    v % 24, a % 60, (a + v) % 60, (a * 7 + v) % 1000);
      std::string stamp = buf;
      while (stamp.back() == '0') stamp.pop_back();
      if (stamp.back() == '.') stamp.pop_back();
      stamp += "Z";
      b.Version("apps", id, stamp, value(Payload(id + stamp, 100 + static_cast<size_t>(v) * 30)));
    }
  }
  for (int i = 0; i < shape.instances; ++i) {
    std::string id = "_prod_service-" + std::to_string(i % 97) + ".instance-" + std::to_string(i);
    b.Item("instance", id, value(Payload(id, 300)));
  }
  for (int i = 0; i < shape.big_values; ++i) {
    b.Item("group", "_big-" + std::to_string(i), value(Payload("big", 1000 * 1024)));
  }
  if (shape.awkward) {
    b.Item("apps", "_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC", value("unicode id"));
    // Not "_" + std::string: GCC 12 warns (-Wrestrict, falsely) at -O3.
    std::string long_id = std::string("_").append(200, 'l');
    b.Item("apps", long_id, value("a 200-byte id, over tar's 100-byte name field"));
    b.Version("apps", long_id, "2017-08-08T12:34:56.5Z", value("long version"));
    b.Item("pods", "_empty-versions", value("current"));
    b.Version("pods", "_empty-versions", "2017-08-08T12:34:00Z", value(""));  // empty data
    // A deleted current value with old versions: the id node is empty.
    b.Version("apps", "_deleted", "2018-01-01T00:00:00.001+02:00", value("old"));
    b.Version("apps", "_deleted", "2018-01-01T00:00:01Z", value("older"));
    b.Item("framework-id", "id", value("framework-1234"));
    b.Item("taskFailures", "_prod_service-1", value(std::string("\0\x01\xff\n", 4)));
  }
  if (shape.storage_version)
    b.Raw(state_root + "/internal:storage:version", value(WrappedStorageVersion(1, 10, 100)));
  std::vector<NewNode> nodes;
  for (TreeNode& node : b.nodes()) {
    nodes.push_back(NewNode{std::move(node.path), std::move(node.data), node.container});
  }
  return nodes;
}

Snapshot Comparable(Snapshot snapshot) {
  auto it = snapshot.find("/internal:storage:version");
  if (it != snapshot.end()) it->second = UnwrappedStorageVersion(it->second);
  return snapshot;
}

}  // namespace baton::testing
