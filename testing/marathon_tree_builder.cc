#include "testing/marathon_tree_builder.h"

#include "layout/marathon/bucket.h"

namespace baton::testing {

void MarathonTreeBuilder::AllBuckets(const std::string& category) {
  std::string path = root_ + "/" + category;
  AddContainer(path);
  for (char bucket : std::string("0123456789abcdef")) AddContainer(path + "/" + bucket);
}

void MarathonTreeBuilder::Item(const std::string& category, const std::string& id, TreeNode node) {
  std::string path = IdPath(category, id);
  last_id_ = path;
  Add(path, std::move(node));
}

void MarathonTreeBuilder::Version(const std::string& category, const std::string& id,
                                  const std::string& version, TreeNode node) {
  std::string id_path = IdPath(category, id);
  if (id_path != last_id_) Item(category, id, TreeNode{.container = true, .has_children = true});
  Add(id_path + "/" + version, std::move(node));
}

void MarathonTreeBuilder::Raw(const std::string& path, TreeNode node) {
  Add(path, std::move(node));
}

std::string MarathonTreeBuilder::IdPath(const std::string& category, const std::string& id) {
  std::string path = root_ + "/" + category;
  AddContainer(path);
  path.append("/").append(marathon::BucketOf(id));  // not "/" + ...: GCC 12 -Wrestrict at -O3
  AddContainer(path);
  return path + "/" + id;
}

void MarathonTreeBuilder::Add(const std::string& path, TreeNode node) {
  node.path = path;
  nodes_.push_back(std::move(node));
}

void MarathonTreeBuilder::AddContainer(const std::string& path) {
  if (containers_.insert(path).second) {
    Add(path, TreeNode{.container = true, .has_children = true});
  }
}

}  // namespace baton::testing
