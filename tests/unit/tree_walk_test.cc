// TreeWalk's scheduling, on a reader that answers from a synthetic tree in a
// random order: every node comes out once, parents first, and the paths
// the walk knows but has not read stay bounded by the widest node, not the
// tree (a 1,000,000-node backup grew by 80 MB of queued paths).
#include "layout/tree/tree_walk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "layout/tree/tree_layout.h"
#include "zk/fingerprints.h"

namespace baton::layout {
namespace {

constexpr int kBuckets = 16;
constexpr int kLeaves = 6000;

// /t has kBuckets children, each with kLeaves leaves.
std::vector<std::string> ChildrenOf(const std::string& path) {
  std::vector<std::string> names;
  int count = path == "/t"                                     ? kBuckets
              : path.rfind("/t/b", 0) == 0 && path.size() == 6 ? kLeaves
                                                               : 0;
  for (int i = 0; i < count; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, path == "/t" ? "b%02d" : "n%04d", i);
    names.emplace_back(name);
  }
  return names;
}

class TreeReader final : public zk::NodeReader {
 public:
  // The pzxid a listing's Stat reports: a child came and went between a
  // node's data read (pzxid 7) and its listing.
  int64_t listing_pzxid = 7;

  void Send(std::unique_ptr<zk::NodeRead> read) override {
    if (read->op == zk::NodeRead::kData || read->op == zk::NodeRead::kNode) {
      --known_unread_;  // the root was never listed: it starts at one below
    }
    in_flight_.push_back(std::move(read));
  }
  std::unique_ptr<zk::NodeRead> Take() override {
    std::uniform_int_distribution<size_t> pick(0, in_flight_.size() - 1);
    auto at = in_flight_.begin() + static_cast<std::ptrdiff_t>(pick(random_));
    std::unique_ptr<zk::NodeRead> read = std::move(*at);
    in_flight_.erase(at);
    Answer(*read);
    return read;
  }
  int outstanding() const override { return static_cast<int>(in_flight_.size()); }

  // Paths listed but not sent for reading yet, at most, over the walk.
  int64_t most_known_unread() const { return most_known_unread_ + 1; }

 private:
  void Answer(zk::NodeRead& read) {
    std::vector<std::string> children = ChildrenOf(read.path);
    read.stat.numChildren = static_cast<int32_t>(children.size());
    read.stat.mzxid = read.stat.pzxid = 7;
    if (read.op == zk::NodeRead::kChildren) read.stat.pzxid = listing_pzxid;
    if (read.op == zk::NodeRead::kChildren || read.op == zk::NodeRead::kNode) {
      known_unread_ += static_cast<int64_t>(children.size());
      most_known_unread_ = std::max(most_known_unread_, known_unread_);
      read.children = std::move(children);
    }
    if (read.op != zk::NodeRead::kChildren) read.data = read.path;
  }

  std::deque<std::unique_ptr<zk::NodeRead>> in_flight_;
  std::mt19937 random_{20261129};
  int64_t known_unread_ = 0;
  int64_t most_known_unread_ = 0;
};

TEST(TreeWalkTest, PathsWaitingAreBoundedByTheWidestNodeNotTheTree) {
  TreeReader reader;
  ReadOptions options;
  options.max_in_flight = 50;
  std::vector<std::string> names;
  std::function<void(Entry &&)> emit = [&](Entry&& entry) { names.push_back(entry.name); };
  TreeWalk::Counts counts = TreeWalk(reader, "/t", options, emit, nullptr).Run();

  EXPECT_EQ(counts.nodes, 1u + kBuckets + kBuckets * kLeaves);
  // 16 paths per read in flight, and one node's listing past that.
  EXPECT_LE(reader.most_known_unread(), 16 * options.max_in_flight + kLeaves);

  // Each node once, after its parent.
  std::set<std::string> seen;
  for (const std::string& name : names) {
    ASSERT_TRUE(seen.insert(name).second) << name;
    if (name == kTreeEntryPrefix) continue;
    std::string parent = name.substr(0, name.rfind('/'));
    EXPECT_TRUE(seen.count(parent) == 1) << name << " before " << parent;
  }
}

// Answers the check's Stat reads as the server is now: every node with
// children has a newer pzxid than the walk's data reads saw.
class NowReader final : public zk::NodeReader {
 public:
  void Send(std::unique_ptr<zk::NodeRead> read) override {
    read->stat.mzxid = 7;
    read->stat.pzxid = ChildrenOf(read->path).empty() ? 7 : 99;
    read->stat.dataLength = 0;
    done_.push_back(std::move(read));
  }
  std::unique_ptr<zk::NodeRead> Take() override {
    std::unique_ptr<zk::NodeRead> read = std::move(done_.front());
    done_.pop_front();
    return read;
  }
  int outstanding() const override { return static_cast<int>(done_.size()); }

 private:
  std::deque<std::unique_ptr<zk::NodeRead>> done_;
};

// A node's entry keeps the counters of its data read; a child created and
// deleted before its listing must fail the check, though the listing
// itself already saw the new pzxid.
TEST(TreeWalkTest, AChildThatCameAndWentBeforeTheListingFailsTheCheck) {
  TreeReader reader;
  reader.listing_pzxid = 99;
  ReadOptions options;
  options.max_in_flight = 50;
  zk::Fingerprints prints;
  std::function<void(Entry &&)> emit = [](Entry&&) {};
  TreeWalk(reader, "/t", options, emit, &prints).Run();
  NowReader now;
  std::optional<std::string> changed = prints.FirstChange(now, 10);
  ASSERT_TRUE(changed.has_value());
  EXPECT_FALSE(ChildrenOf(*changed).empty()) << *changed;
}

}  // namespace
}  // namespace baton::layout
