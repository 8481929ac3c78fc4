// Which read path Baton takes (zk/wire/read_path.h): multiRead on the test
// server (3.8), pipelined single requests behind a proxy that plays a server
// older than 3.6 each way such a server refuses the op; found out once.
#include "zk/wire/read_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/zk_proxy.h"
#include "support/zk_test.h"
#include "zk/zk_session.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

class ReadPathTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    zk::wire::ForgetReadPaths();
  }
  void TearDown() override {
    zk::wire::ForgetReadPaths();
    ZkTest::TearDown();
  }
  static ZkUrl Through(const ZkProxy& proxy) {
    return ZkUrl::Parse("zk://" + proxy.address() + "/any");
  }
};

TEST_F(ReadPathTest, AServerThatKnowsMultiReadGetsBatches) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kForward);
  EXPECT_TRUE(zk::wire::SupportsMultiRead(Through(proxy), ZkTimeouts{}));
}

TEST_F(ReadPathTest, AnOlderServerGetsPipelinedReadsWhicheverWayItRefuses) {
  for (auto mode : {ZkProxy::MultiRead::kUnimplementedThenClose, ZkProxy::MultiRead::kClose,
                    ZkProxy::MultiRead::kUnimplemented}) {
    zk::wire::ForgetReadPaths();
    ZkProxy proxy(ZkAddress(), mode);
    EXPECT_FALSE(zk::wire::SupportsMultiRead(Through(proxy), ZkTimeouts{}));
    EXPECT_EQ(proxy.refused(), 1);
  }
}

TEST_F(ReadPathTest, TheAnswerIsFoundOncePerEnsemble) {
  ZkProxy proxy(ZkAddress(), ZkProxy::MultiRead::kClose);
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(zk::wire::SupportsMultiRead(Through(proxy), ZkTimeouts{}));
  EXPECT_EQ(proxy.connections(), 1);
}

// A server that refuses multiRead after the probe found one that knows it
// (an ensemble in a rolling downgrade): the backup reads the tree again,
// pipelined, and holds all of it.
TEST_F(ReadPathTest, AServerThatRefusesMultiReadMidWalkIsReadPipelined) {
  Populate(TreeShape{.apps = 50, .versions_per_app = 2, .instances = 300, .big_values = 0});
  const std::string direct = TempDir() + "/direct.tar", through = TempDir() + "/through.tar";
  ASSERT_EQ(Backup(direct).exit_code, 0);
  auto summary = [](const std::string& tar) {
    RunResult r = RunBaton({"inspect", "--json", "file://" + tar});
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    return std::vector<nlohmann::json>{j["items"], j["versions"], j["bytes"]};
  };
  for (auto mode :
       {ZkProxy::MultiRead::kUnimplementedThenClose, ZkProxy::MultiRead::kUnimplemented}) {
    ZkProxy proxy(ZkAddress(), mode, /*forward_first=*/1);  // the probe's
    RunResult r = RunBaton({"backup", "--backup_location", "file://" + through, "--zk",
                            "zk://" + proxy.address() + root_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("does not know multiRead"));
    EXPECT_THAT(r.err, HasSubstr("pipelined single requests from now on"));
    EXPECT_GE(proxy.refused(), 1);
    EXPECT_EQ(summary(through), summary(direct));
  }
}

TEST_F(ReadPathTest, NoServerAtAllIsAnErrorNotAnOldServer) {
  ZkTimeouts quick;
  quick.connect_ms = 500;
  EXPECT_THROW(zk::wire::SupportsMultiRead(ZkUrl::Parse("zk://127.0.0.1:1/any"), quick),
               zk::ConnectionLost);
}

}  // namespace
}  // namespace baton::testing
