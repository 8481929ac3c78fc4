// The test proxy that plays a ZooKeeper older than 3.6 (support/zk_proxy.h):
// it forwards a session of the C client untouched, and refuses multiRead
// (OpCode 22) each way an old server does. The packets here are built by
// hand, independently of Baton's own wire code.
#include "support/zk_proxy.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "baton/zk_url.h"
#include "support/zk_test.h"
#include "zk/zk_session.h"

namespace baton::testing {
namespace {

void PutInt(std::string& out, int32_t v) {
  uint32_t be = htonl(static_cast<uint32_t>(v));
  out.append(reinterpret_cast<const char*>(&be), 4);
}

int32_t GetInt(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, bytes.data() + at, 4);
  return static_cast<int32_t>(ntohl(v));
}

std::string Framed(const std::string& body) {
  std::string frame;
  PutInt(frame, static_cast<int32_t>(body.size()));
  return frame + body;
}

// One raw client connection: a new session, then packets by hand.
class RawSession {
 public:
  explicit RawSession(const std::string& address) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    const size_t colon = address.rfind(':');
    inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    // ConnectRequest: protocol version, last zxid (long), timeout, session
    // id (long), a 16-byte password, read-only flag.
    std::string hello;
    for (int32_t v : {0, 0, 0, 10000, 0, 0, 16}) PutInt(hello, v);
    hello.append(16, '\0');
    hello.push_back('\0');
    Send(Framed(hello));
    connected_ = Receive().has_value();
  }
  ~RawSession() { close(fd_); }

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) { send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // The next packet without its length, or nothing once the server closed.
  std::optional<std::string> Receive() {
    std::string length = Read(4);
    if (length.size() < 4) return std::nullopt;
    std::string body = Read(static_cast<uint32_t>(GetInt(length, 0)));
    return body;
  }

 private:
  std::string Read(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) return out.substr(0, got);
      got += static_cast<size_t>(r);
    }
    return out;
  }

  int fd_ = -1;
  bool connected_ = false;
};

// A multiRead of no ops: its header, then the MultiHeader that ends the list
// (type -1, done, err -1).
std::string EmptyMultiRead(int32_t xid) {
  std::string body;
  PutInt(body, xid);
  PutInt(body, 22);
  PutInt(body, -1);
  body.push_back('\1');
  PutInt(body, -1);
  return Framed(body);
}

// exists(path), without a watch.
std::string Exists(int32_t xid, const std::string& path) {
  std::string body;
  PutInt(body, xid);
  PutInt(body, 3);
  PutInt(body, static_cast<int32_t>(path.size()));
  body += path;
  body.push_back('\0');
  return Framed(body);
}

// A reply's xid and error code as "xid/err"; "none" when the server closed.
std::string XidAndErr(const std::optional<std::string>& reply) {
  if (!reply) return "none";
  if (reply->size() < 16) return "short";
  return std::to_string(GetInt(*reply, 0)) + "/" + std::to_string(GetInt(*reply, 12));
}

class ZkProxyTest : public ZkTest {};

TEST_F(ZkProxyTest, ForwardsASessionOfTheCClient) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kUnimplemented);
  zk::ZkSession session(ZkUrl::Parse("zk://" + proxy.address() + root_), ZkTimeouts{});
  session.EnsureContainers(root_ + "/a");
  session.Put(root_ + "/a/b", "through the proxy");
  EXPECT_EQ(zk_.Get(root_ + "/a/b"), "through the proxy");
  EXPECT_EQ(session.Get(root_ + "/a/b").value_or(""), "through the proxy");
  EXPECT_EQ(proxy.connections(), 1);
  EXPECT_EQ(proxy.refused(), 0);
}

TEST_F(ZkProxyTest, ForwardsMultiReadToTheServer) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kForward);
  RawSession raw(proxy.address());
  ASSERT_TRUE(raw.connected());
  raw.Send(EmptyMultiRead(1));
  EXPECT_EQ(XidAndErr(raw.Receive()), "1/0");  // this server knows multiRead
}

TEST_F(ZkProxyTest, AnOldServerAnswersUnimplementedAndCloses) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kUnimplementedThenClose);
  RawSession raw(proxy.address());
  ASSERT_TRUE(raw.connected());
  raw.Send(EmptyMultiRead(7));
  EXPECT_EQ(XidAndErr(raw.Receive()), "7/" + std::to_string(ZUNIMPLEMENTED));
  EXPECT_EQ(XidAndErr(raw.Receive()), "none");
  EXPECT_EQ(proxy.refused(), 1);
}

// ZooKeeper answers a session's requests in order; so does the refusal.
TEST_F(ZkProxyTest, ARefusalComesInTheOrderOfTheRequests) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kUnimplemented);
  RawSession raw(proxy.address());
  ASSERT_TRUE(raw.connected());
  raw.Send(Exists(5, "/") + EmptyMultiRead(6) + Exists(7, "/"));
  EXPECT_EQ(XidAndErr(raw.Receive()), "5/0");
  EXPECT_EQ(XidAndErr(raw.Receive()), "6/" + std::to_string(ZUNIMPLEMENTED));
  EXPECT_EQ(XidAndErr(raw.Receive()), "7/0");
}

TEST_F(ZkProxyTest, AStricterServerJustCloses) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kClose);
  RawSession raw(proxy.address());
  ASSERT_TRUE(raw.connected());
  raw.Send(EmptyMultiRead(3));
  EXPECT_EQ(XidAndErr(raw.Receive()), "none");
  EXPECT_EQ(proxy.refused(), 1);
}

}  // namespace
}  // namespace baton::testing
