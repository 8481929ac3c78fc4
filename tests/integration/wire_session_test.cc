// Baton's own ZooKeeper read path (zk/wire) against the real server: what it
// reads equals what the C client reads, multiRead answers op by op, digest
// auth, and a lost connection or an expired session is ConnectionLost.
#include "zk/wire/wire_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "support/zk_test.h"
#include "util/interrupt.h"
#include "zk/zk_session.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using zk::wire::Reply;
using zk::wire::Request;
using zk::wire::WireSession;
namespace wire = zk::wire;

class WireSessionTest : public ZkTest {
 protected:
  ZkUrl Url() const { return ZkUrl::Parse(zk_url_); }
  // Sends one request and returns its reply.
  static Reply Call(WireSession& session, const Request& request) {
    session.Send(request);
    return session.Receive();
  }
};

void ExpectSameStat(const Stat& a, const Stat& b) {
  EXPECT_EQ(a.czxid, b.czxid);
  EXPECT_EQ(a.mzxid, b.mzxid);
  EXPECT_EQ(a.ctime, b.ctime);
  EXPECT_EQ(a.mtime, b.mtime);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.cversion, b.cversion);
  EXPECT_EQ(a.aversion, b.aversion);
  EXPECT_EQ(a.ephemeralOwner, b.ephemeralOwner);
  EXPECT_EQ(a.dataLength, b.dataLength);
  EXPECT_EQ(a.numChildren, b.numChildren);
  EXPECT_EQ(a.pzxid, b.pzxid);
}

TEST_F(WireSessionTest, ReadsWhatTheCClientReads) {
  const std::string node = root_ + "/node";
  zk_.Create(node, std::string("data\0with a zero", 16));
  zk::ZkSession c_client(Url(), ZkTimeouts{});
  WireSession session(Url(), ZkTimeouts{});
  EXPECT_GT(session.timeout_ms(), 0);

  Reply sync = Call(session, Request{wire::kOpSync, node, {}, ""});
  ASSERT_EQ(sync.header.err, ZOK);
  EXPECT_EQ(wire::DecodeSync(sync.body()), node);

  Stat c_stat{};
  std::optional<std::string> c_data = c_client.Get(node, &c_stat);
  Reply data = Call(session, Request{wire::kOpGetData, node, {}, ""});
  ASSERT_EQ(data.header.err, ZOK);
  wire::DataReply got = wire::DecodeGetData(data.body());
  EXPECT_EQ(got.data, *c_data);
  ExpectSameStat(got.stat, c_stat);

  Reply exists = Call(session, Request{wire::kOpExists, node, {}, ""});
  ASSERT_EQ(exists.header.err, ZOK);
  ExpectSameStat(wire::DecodeExists(exists.body()), c_stat);
}

TEST_F(WireSessionTest, ListsAndReadsAclsAsTheCClientDoes) {
  const std::string node = root_ + "/node";
  zk_.Create(node + "/b", "");
  zk_.Create(node + "/a", "x");
  zk::ZkSession c_client(Url(), ZkTimeouts{});
  WireSession session(Url(), ZkTimeouts{});

  String_vector names{};
  Stat list_stat{};
  ASSERT_EQ(
      zoo_wget_children2(c_client.handle(), node.c_str(), nullptr, nullptr, &names, &list_stat),
      ZOK);
  std::vector<std::string> c_children(names.data, names.data + names.count);
  deallocate_String_vector(&names);
  Reply list = Call(session, Request{wire::kOpGetChildren2, node, {}, ""});
  ASSERT_EQ(list.header.err, ZOK);
  wire::ChildrenReply children = wire::DecodeGetChildren2(list.body());
  EXPECT_EQ(children.children, c_children);
  ExpectSameStat(children.stat, list_stat);

  ACL_vector acl{};
  Stat acl_stat{};
  ASSERT_EQ(zoo_get_acl(c_client.handle(), node.c_str(), &acl, &acl_stat), ZOK);
  Reply acl_reply = Call(session, Request{wire::kOpGetAcl, node, {}, ""});
  ASSERT_EQ(acl_reply.header.err, ZOK);
  wire::AclReply entries = wire::DecodeGetAcl(acl_reply.body());
  ASSERT_EQ(entries.acl.size(), static_cast<size_t>(acl.count));
  for (int i = 0; i < acl.count; ++i) {
    EXPECT_EQ(entries.acl[i].perms, acl.data[i].perms);
    EXPECT_EQ(entries.acl[i].scheme, acl.data[i].id.scheme);
    EXPECT_EQ(entries.acl[i].id, acl.data[i].id.id);
  }
  deallocate_ACL_vector(&acl);
  ExpectSameStat(entries.stat, acl_stat);
}

TEST_F(WireSessionTest, AMissingNodeFailsItsOwnRequestOnly) {
  zk_.Create(root_ + "/here", "h");
  WireSession session(Url(), ZkTimeouts{});
  for (int32_t op : {wire::kOpGetData, wire::kOpExists, wire::kOpGetChildren2, wire::kOpGetAcl}) {
    EXPECT_EQ(Call(session, Request{op, root_ + "/gone", {}, ""}).header.err, ZNONODE) << op;
  }
  Reply here = Call(session, Request{wire::kOpGetData, root_ + "/here", {}, ""});
  ASSERT_EQ(here.header.err, ZOK);
  EXPECT_EQ(wire::DecodeGetData(here.body()).data, "h");
}

TEST_F(WireSessionTest, MultiReadAnswersEachOpInOrder) {
  std::vector<NewNode> nodes;  // CreateMany makes the parent
  for (int i = 0; i < 50; ++i)
    // GCC 12 at -O3 warns (-Wrestrict, falsely) on "literal" + std::string&&.
    nodes.push_back(
        {root_ + "/m/n" + std::to_string(i), std::string("v").append(std::to_string(i))});
  zk_.CreateMany(nodes);
  Request multi{wire::kOpMultiRead, "", {}, ""};
  for (int i = 0; i < 50; ++i) {
    multi.ops.push_back({wire::kOpGetData, root_ + "/m/n" + std::to_string(i)});
    if (i == 25) multi.ops.push_back({wire::kOpGetData, root_ + "/m/missing"});
  }
  multi.ops.push_back({wire::kOpGetChildren, root_ + "/m"});
  multi.ops.push_back({wire::kOpGetChildren, root_ + "/missing"});
  WireSession session(Url(), ZkTimeouts{});
  Reply reply = Call(session, multi);
  ASSERT_EQ(reply.header.err, ZOK);
  std::vector<wire::MultiResult> results = wire::DecodeMultiRead(reply.body(), multi.ops.size());
  ASSERT_EQ(results.size(), multi.ops.size());
  for (size_t i = 0, n = 0; i < 51; ++i) {
    if (i == 26) {
      EXPECT_EQ(results[i].type, wire::kOpError);
      EXPECT_EQ(results[i].err, ZNONODE);
      continue;
    }
    EXPECT_EQ(results[i].type, wire::kOpGetData) << i;
    EXPECT_EQ(results[i].data, std::string("v").append(std::to_string(n)));
    EXPECT_EQ(results[i].stat.dataLength, static_cast<int32_t>(results[i].data.size()));
    ++n;
  }
  EXPECT_EQ(results[51].type, wire::kOpGetChildren);
  EXPECT_EQ(results[51].children.size(), 50u);
  EXPECT_EQ(results[52].type, wire::kOpError);
  EXPECT_EQ(results[52].err, ZNONODE);
}

TEST_F(WireSessionTest, PipelinedRepliesComeBackInOrder) {
  std::vector<NewNode> nodes;
  for (int i = 0; i < 200; ++i)
    nodes.push_back(
        {root_ + "/p/" + std::to_string(i), std::string(1000, 'x') + std::to_string(i)});
  zk_.CreateMany(nodes);
  WireSession session(Url(), ZkTimeouts{});
  // 5,000 requests before the first reply is taken: both ends' buffers
  // fill, and the session must read while it writes.
  std::vector<int32_t> xids;
  for (int i = 0; i < 5000; ++i) {
    xids.push_back(
        session.Send(Request{wire::kOpGetData, root_ + "/p/" + std::to_string(i % 200), {}, ""}));
    if (i > 0) {
      EXPECT_GT(xids[i], xids[i - 1]);
    }
  }
  EXPECT_EQ(session.outstanding(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    Reply reply = session.Receive();
    ASSERT_EQ(reply.header.xid, xids[i]);
    ASSERT_EQ(reply.header.err, ZOK);
    ASSERT_EQ(wire::DecodeGetData(reply.body()).data,
              std::string(1000, 'x') + std::to_string(i % 200));
  }
  EXPECT_EQ(session.outstanding(), 0u);
}

// Requests queued with SendLater go out when a reply is awaited, a few or
// many (past the queue's limit, with both ends' buffers full).
TEST_F(WireSessionTest, RequestsSentLaterGoOutWhenAReplyIsAwaited) {
  zk_.Create(root_ + "/n", "value");
  WireSession session(Url(), ZkTimeouts{});
  for (int count : {3, 20000}) {
    std::vector<int32_t> xids;
    for (int i = 0; i < count; ++i) {
      xids.push_back(session.SendLater(Request{wire::kOpGetData, root_ + "/n", {}, ""}));
    }
    for (int i = 0; i < count; ++i) {
      Reply reply = session.Receive();
      ASSERT_EQ(reply.header.xid, xids[i]);
      ASSERT_EQ(wire::DecodeGetData(reply.body()).data, "value");
    }
  }
  EXPECT_EQ(session.outstanding(), 0u);
}

TEST_F(WireSessionTest, DigestAuthReadsANodeOnlyTheUserMayRead) {
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  const std::string secret = root_ + "/secret";
  zk_.Create(root_, "", true);
  ASSERT_EQ(zoo_create(zk_.handle(), secret.c_str(), "s", 1, &ZOO_CREATOR_ALL_ACL, ZOO_PERSISTENT,
                       nullptr, 0),
            ZOK);
  WireSession anonymous(Url(), ZkTimeouts{});
  EXPECT_EQ(Call(anonymous, Request{wire::kOpGetData, secret, {}, ""}).header.err, ZNOAUTH);

  WireSession alice(ZkUrl::Parse("zk://alice:pw@" + ZkAddress() + root_), ZkTimeouts{});
  Reply reply = Call(alice, Request{wire::kOpGetData, secret, {}, ""});
  ASSERT_EQ(reply.header.err, ZOK);
  EXPECT_EQ(wire::DecodeGetData(reply.body()).data, "s");

  WireSession bob(ZkUrl::Parse("zk://bob:pw@" + ZkAddress() + root_), ZkTimeouts{});
  EXPECT_EQ(Call(bob, Request{wire::kOpGetData, secret, {}, ""}).header.err, ZNOAUTH);
}

TEST_F(WireSessionTest, TriesTheNextServerOfTheEnsemble) {
  // Nothing listens on port 1 of the loopback.
  WireSession session(ZkUrl::Parse("zk://127.0.0.1:1," + ZkAddress() + root_), ZkTimeouts{});
  EXPECT_EQ(session.server(), ZkAddress());
  EXPECT_THROW(WireSession(ZkUrl::Parse("zk://127.0.0.1:1" + root_),
                           ZkTimeouts{.connect_ms = 1000, .session_ms = 2000}),
               zk::ConnectionLost);
}

TEST_F(WireSessionTest, AClosedConnectionIsConnectionLost) {
  WireSession session(Url(), ZkTimeouts{});
  // Over the server's jute.maxbuffer: it closes the connection, as soon as
  // it has read the length, so the loss may already meet the sending (CI,
  // ASan: the 2 MB were not all written yet) or only the receiving.
  try {
    session.Send(Request{wire::kOpGetData, "/" + std::string(2 << 20, 'x'), {}, ""});
    session.Receive();
    FAIL() << "no error";
  } catch (const zk::ConnectionLost& e) {
    EXPECT_THAT(e.what(), HasSubstr("lost the connection to ZooKeeper"));
  }
  // And stays so.
  EXPECT_THROW(session.Send(Request{wire::kOpSync, "/", {}, ""}), zk::ConnectionLost);
}

TEST_F(WireSessionTest, AnExpiredSessionIsConnectionLost) {
  WireSession session(Url(), ZkTimeouts{.connect_ms = 10000, .session_ms = 2000});
  ASSERT_EQ(Call(session, Request{wire::kOpSync, "/", {}, ""}).header.err, ZOK);
  // Unused (no pings) for longer than its timeout, the session expires and
  // the server closes its connection.
  std::this_thread::sleep_for(std::chrono::milliseconds(session.timeout_ms() * 2 + 1000));
  EXPECT_THROW(
      {
        session.Send(Request{wire::kOpSync, "/", {}, ""});
        session.Receive();
      },
      zk::ConnectionLost);
}

TEST_F(WireSessionTest, AReplyOverTheFrameLimitIsSkipped) {
  zk_.Create(root_ + "/big", std::string(500000, 'b'));
  zk_.Create(root_ + "/small", "s");
  WireSession session(Url(), ZkTimeouts{}, 0, 100000);
  session.Send(Request{wire::kOpGetData, root_ + "/big", {}, ""});
  session.Send(Request{wire::kOpGetData, root_ + "/small", {}, ""});
  Reply big = session.Receive();
  EXPECT_EQ(big.header.err, wire::kErrReplyTooLarge);
  EXPECT_GT(big.skipped_bytes, 500000u);
  // The replies after it are read as ever.
  Reply small = session.Receive();
  ASSERT_EQ(small.header.err, ZOK);
  EXPECT_EQ(wire::DecodeGetData(small.body()).data, "s");
}

TEST_F(WireSessionTest, AnInterruptedWaitLeavesTheSessionUsable) {
  WireSession session(Url(), ZkTimeouts{});
  session.Send(Request{wire::kOpSync, "/", {}, ""});
  util::SimulateInterrupt(SIGINT);
  try {
    session.Receive();
    ADD_FAILURE() << "not interrupted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInterrupted);
  }
  util::SimulateInterrupt(0);
  EXPECT_EQ(session.Receive().header.err, ZOK);
}

TEST_F(WireSessionTest, AReplyThatCameWhileTheOwnerWasAwayIsNoTimeout) {
  WireSession session(Url(), ZkTimeouts{.connect_ms = 10000, .session_ms = 4000});
  session.Send(Request{wire::kOpSync, "/", {}, ""});
  // Past the 2/3 of the timeout after which a silent server is given up,
  // short of the timeout itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(session.timeout_ms() * 3 / 4));
  EXPECT_EQ(session.Receive().header.err, ZOK);
}

TEST_F(WireSessionTest, PingsKeepAnIdleSessionAlive) {
  WireSession session(Url(), ZkTimeouts{.connect_ms = 10000, .session_ms = 2000});
  // As long as the expiry test waits, but pinging.
  auto until =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(session.timeout_ms() * 2 + 1000);
  for (int i = 0; i < 1000 && std::chrono::steady_clock::now() < until; ++i) {
    session.KeepAlive();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(RequestsFrom(session.server(), session.session_id()), 1);
  EXPECT_EQ(Call(session, Request{wire::kOpSync, "/", {}, ""}).header.err, ZOK);
}

}  // namespace
}  // namespace baton::testing
