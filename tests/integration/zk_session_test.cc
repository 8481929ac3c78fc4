// ZkSession against the real ZooKeeper, through the test proxy
// (support/zk_proxy.h) where a test must hold back what the server says.
#include "zk/zk_session.h"

#include <gtest/gtest.h>
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "baton/zk_url.h"
#include "support/zk_proxy.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

// Ends the session `id` on the server, as its expiry does: another client
// takes it over (the server closes the first connection) and closes it.
void EndSession(const clientid_t& id) {
  zhandle_t* zh = zookeeper_init(ZkAddress().c_str(), nullptr, 10000, &id, nullptr, 0);
  if (zh == nullptr) throw std::runtime_error("zookeeper_init failed");
  for (int i = 0; i < 200 && zoo_state(zh) != ZOO_CONNECTED_STATE; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool connected = zoo_state(zh) == ZOO_CONNECTED_STATE;
  zookeeper_close(zh);
  if (!connected) throw std::runtime_error("cannot take over the session to end it");
}

class ZkSessionTest : public ZkTest {};

// The C client reports a lost connection to the waiting requests before it
// changes its own state: a Resume() right after such a failure found the
// client "connected", returned, and the next request failed on the expired
// session (a restore that should have written again rolled back). Here the
// client cannot have seen the expiry when Resume() starts.
TEST_F(ZkSessionTest, ResumeOpensANewSessionWhenTheClientHasNotSeenTheExpiryYet) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kForward);
  zk::ZkSession session(ZkUrl::Parse("zk://" + proxy.address() + root_), ZkTimeouts{});
  const clientid_t old_id = *zoo_client_id(session.handle());
  proxy.Freeze();
  EndSession(old_id);
  ASSERT_EQ(zoo_state(session.handle()), ZOO_CONNECTED_STATE);
  {
    std::jthread thaw([&] {  // joined also when Resume() throws
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      proxy.Thaw();
    });
    session.Resume();
  }
  EXPECT_NE(zoo_client_id(session.handle())->client_id, old_id.client_id);
  EXPECT_TRUE(session.Exists("/"));
}

// Resume() on a session that is well leaves it as it is.
TEST_F(ZkSessionTest, ResumeKeepsASessionThatAnswers) {
  zk::ZkSession session(ZkUrl::Parse(zk_url_), ZkTimeouts{});
  const int64_t id = zoo_client_id(session.handle())->client_id;
  session.Resume();
  EXPECT_EQ(zoo_client_id(session.handle())->client_id, id);
}

}  // namespace
}  // namespace baton::testing
