// MultiReadReader reads what PipelinedReader reads: every op on every node
// of a Marathon tree, through both, compared.
#include "zk/wire/multi_read_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <tuple>

#include "support/zk_test.h"
#include "zk/node_reader.h"
#include "zk/zk_session.h"

namespace baton::testing {
namespace {

using zk::NodeRead;
using zk::NodeReader;
using zk::wire::MultiReadReader;
using zk::wire::WireSession;

// What one read found, comparable.
using Found = std::tuple<int, std::string, std::vector<std::string>, std::string, int64_t, int64_t,
                         int64_t, int32_t, int32_t, int32_t>;

Found Of(const NodeRead& read) {
  const Stat& s = read.stat;
  return {read.rc, read.data, read.children, read.acl,      s.czxid,
          s.mzxid, s.pzxid,   s.version,     s.numChildren, s.dataLength};
}

// Walks the tree below `root` (and `extra` paths, missing ones too): every
// node listed, and read with every op. At most `in_flight` reads sent.
std::map<std::pair<std::string, int>, Found> Walk(NodeReader& reader, const std::string& root,
                                                  const std::vector<std::string>& extra,
                                                  int in_flight = 2000) {
  std::map<std::pair<std::string, int>, Found> found;
  std::vector<std::string> todo = extra;
  todo.push_back(root);
  std::vector<std::unique_ptr<NodeRead>> sends;
  auto queue = [&](const std::string& path) {
    for (NodeRead::Op op :
         {NodeRead::kChildren, NodeRead::kData, NodeRead::kStat, NodeRead::kAcl}) {
      sends.push_back(std::make_unique<NodeRead>(op, path));
    }
  };
  for (const std::string& path : todo) queue(path);
  // Bounded by the tree: every node is queued once, from its parent's listing.
  while (!sends.empty() || reader.outstanding() > 0) {
    while (!sends.empty() && reader.outstanding() < in_flight) {
      reader.Send(std::move(sends.back()));
      sends.pop_back();
    }
    std::unique_ptr<NodeRead> read = reader.Take();
    found[{read->path, read->op}] = Of(*read);
    if (read->op == NodeRead::kChildren && read->rc == ZOK) {
      for (const std::string& child : read->children) queue(read->path + "/" + child);
    }
  }
  return found;
}

class MultiReadReaderTest : public ZkTest {
 protected:
  ZkUrl Url() const { return ZkUrl::Parse(zk_url_); }
};

TEST_F(MultiReadReaderTest, ReadsWhatPipelinedReaderReads) {
  Populate(TreeShape{.apps = 100, .versions_per_app = 3, .instances = 1000, .big_values = 2});
  // ACLs other than the open one, and a node the session may not read.
  ASSERT_EQ(zoo_create(zk_.handle(), (state_ + "/readonly").c_str(), "r", 1, &ZOO_READ_ACL_UNSAFE,
                       ZOO_PERSISTENT, nullptr, 0),
            ZOK);
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  ASSERT_EQ(zoo_create(zk_.handle(), (state_ + "/secret").c_str(), "s", 1, &ZOO_CREATOR_ALL_ACL,
                       ZOO_PERSISTENT, nullptr, 0),
            ZOK);
  const std::vector<std::string> extra{root_ + "/missing", state_ + "/secret/missing"};

  zk::ZkSession c_client(Url(), ZkTimeouts{});
  zk::PipelinedReader pipelined(c_client);
  auto expected = Walk(pipelined, state_, extra);

  WireSession session(Url(), ZkTimeouts{});
  MultiReadReader batched(session);
  auto got = Walk(batched, state_, extra);
  EXPECT_GT(got.size(), 4u * 1000);
  EXPECT_EQ(got.size(), expected.size());
  for (const auto& [key, value] : expected) {
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key.first << " op " << key.second;
    EXPECT_TRUE(it->second == value) << key.first << " op " << key.second << " rc "
                                     << std::get<0>(it->second) << " vs " << std::get<0>(value);
  }
  EXPECT_EQ(std::get<0>(got.at({state_ + "/secret", NodeRead::kData})), ZNOAUTH);
  EXPECT_EQ(std::get<0>(got.at({root_ + "/missing", NodeRead::kChildren})), ZNONODE);
  // Batched indeed, and grown past the first batches' size.
  EXPECT_LT(batched.batches_sent(), static_cast<int64_t>(got.size() / 8));
  EXPECT_GT(batched.ops_limit(), 32);

  // Tiny batches and windows read the same.
  WireSession small_session(Url(), ZkTimeouts{});
  MultiReadReader small(small_session,
                        {.max_ops = 2, .batch_bytes = 1, .batches = 1, .singles = 1});
  EXPECT_TRUE(Walk(small, state_, extra, 7) == got);

  // getACL spread over two more sessions reads the same.
  WireSession batches(Url(), ZkTimeouts{}), acl1(Url(), ZkTimeouts{}), acl2(Url(), ZkTimeouts{});
  MultiReadReader spread(batches, MultiReadReader::Limits{}, {&acl1, &acl2});
  EXPECT_TRUE(Walk(spread, state_, extra) == got);
}

// A point-in-time check re-reads the Stat of every node. Read as a getData in
// a batch, a large value would come back too: 55 values of 1 MB in a few
// batches were enough to run the test server out of heap (CI). Only nodes
// known to be small are batched.
TEST_F(MultiReadReaderTest, OnlyStatsOfSmallNodesGoInBatches) {
  std::vector<NewNode> nodes;
  for (int i = 0; i < 10; ++i) {
    nodes.push_back({root_ + "/big-" + std::to_string(i), std::string(100000, 'b')});
    nodes.push_back({root_ + "/small-" + std::to_string(i), "s"});
  }
  zk_.CreateMany(nodes);
  // Replies over 64 KB are refused: a large node's data in a reply would be.
  WireSession session(Url(), ZkTimeouts{}, 0, 64u << 10);
  MultiReadReader reader(session);
  for (const NewNode& node : nodes) {
    auto read = std::make_unique<NodeRead>(NodeRead::kStat, node.path);
    read->size_hint = static_cast<int32_t>(node.data.size());
    reader.Send(std::move(read));
  }
  reader.Send(std::make_unique<NodeRead>(NodeRead::kStat, root_ + "/small-0"));  // size unknown
  while (reader.outstanding() > 0) {
    std::unique_ptr<NodeRead> read = reader.Take();
    ASSERT_EQ(read->rc, ZOK) << read->path;
    EXPECT_EQ(read->stat.dataLength, read->path.find("/big-") != std::string::npos ? 100000 : 1);
    EXPECT_TRUE(read->data.empty());
  }
  EXPECT_EQ(reader.batches_sent(), 1);  // the ten small ones, together
}

// Two reads whose replies are over the frame limit together and alone: the
// batch is split down to single reads, and the one too large is an error
// (it was sent again, two at a time, forever).
TEST_F(MultiReadReaderTest, ASingleReadOverTheFrameLimitIsAnErrorNotALoop) {
  zk_.CreateMany(
      {{root_ + "/a", std::string(100000, 'a')}, {root_ + "/b", std::string(100000, 'b')}});
  WireSession session(Url(), ZkTimeouts{}, 0, 64u << 10);
  MultiReadReader reader(session);
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/a"));
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/b"));
  EXPECT_THROW(reader.Take(), Error);
}

TEST_F(MultiReadReaderTest, AnAclSessionLostFailsEveryRead) {
  zk_.Create(root_ + "/a", "a");
  WireSession batches(Url(), ZkTimeouts{}), acl(Url(), ZkTimeouts{});
  MultiReadReader reader(batches, MultiReadReader::Limits{}, {&acl});
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/a"));
  reader.Send(std::make_unique<NodeRead>(NodeRead::kAcl, root_ + "/a"));
  for (int i = 0; i < 2; ++i) EXPECT_EQ(reader.Take()->rc, ZOK);
  // Over the server's jute.maxbuffer: it closes the ACL session's connection.
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/a"));
  reader.Send(std::make_unique<NodeRead>(NodeRead::kAcl, "/" + std::string(2 << 20, 'x')));
  reader.Send(std::make_unique<NodeRead>(NodeRead::kAcl, root_ + "/a"));
  int lost = 0;
  while (reader.outstanding() > 0) lost += reader.Take()->rc == ZCONNECTIONLOSS;
  EXPECT_GE(lost, 2);
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/a"));
  EXPECT_EQ(reader.Take()->rc, ZCONNECTIONLOSS);
}

TEST_F(MultiReadReaderTest, ALostConnectionFailsEveryRead) {
  zk_.Create(root_ + "/a", "a");
  WireSession session(Url(), ZkTimeouts{});
  MultiReadReader reader(session);
  // Singles go out at once, batches when Take() needs them.
  reader.Send(std::make_unique<NodeRead>(NodeRead::kAcl, root_ + "/a"));
  EXPECT_EQ(reader.Take()->rc, ZOK);
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, root_ + "/a"));
  // Over the server's jute.maxbuffer: it closes the connection.
  reader.Send(std::make_unique<NodeRead>(NodeRead::kData, "/" + std::string(2 << 20, 'x')));
  for (int i = 0; i < 2; ++i) EXPECT_EQ(reader.Take()->rc, ZCONNECTIONLOSS);
  EXPECT_EQ(reader.outstanding(), 0);
  reader.Send(std::make_unique<NodeRead>(NodeRead::kStat, root_ + "/a"));
  EXPECT_EQ(reader.Take()->rc, ZCONNECTIONLOSS);
}

TEST_F(MultiReadReaderTest, ABatchOverTheFrameLimitIsSplit) {
  std::vector<NewNode> nodes;
  for (int i = 0; i < 24; ++i) {
    nodes.push_back({root_ + "/big/" + std::to_string(i), std::string(900000, 'a' + i % 26)});
  }
  zk_.CreateMany(nodes);
  // 24 values of 900 KB: the first batch's reply is far over 3 MB.
  WireSession session(Url(), ZkTimeouts{}, 0, 3u << 20);
  MultiReadReader reader(session);
  for (const NewNode& node : nodes) {
    reader.Send(std::make_unique<NodeRead>(NodeRead::kData, node.path));
  }
  reader.Send(std::make_unique<NodeRead>(NodeRead::kChildren, root_ + "/big"));
  std::map<std::string, std::string> read;
  while (reader.outstanding() > 0) {
    std::unique_ptr<NodeRead> done = reader.Take();
    ASSERT_EQ(done->rc, ZOK) << done->path;
    if (done->op == NodeRead::kChildren) {
      EXPECT_EQ(done->children.size(), nodes.size());
    } else {
      read[done->path] = done->data;
    }
  }
  ASSERT_EQ(read.size(), nodes.size());
  for (const NewNode& node : nodes) EXPECT_TRUE(read[node.path] == node.data) << node.path;
  EXPECT_LE(reader.ops_limit(), 6);

  // One read alone over the limit cannot be split.
  WireSession tiny(Url(), ZkTimeouts{}, 0, 100000);
  MultiReadReader alone(tiny);
  alone.Send(std::make_unique<NodeRead>(NodeRead::kData, nodes[0].path));
  EXPECT_THROW(alone.Take(), Error);
}

}  // namespace
}  // namespace baton::testing
