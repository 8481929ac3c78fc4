// A server's TLS port (secureClientPort) given where a plain one is wanted:
// Baton speaks plain TCP to ZooKeeper on both of its paths (the C client's
// sessions and its own wire session), and says so instead of timing out
// without a reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "support/test_env.h"
#include "zk/wire/wire_session.h"
#include "zk/zk_session.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A standalone server of this test's own with a plain and a TLS port.
class TlsServer {
 public:
  TlsServer() : dir_(TempDir() + "/tls-zk") {
    if (std::system((Script() + " start " + dir_ + " tls > /dev/null").c_str()) != 0) {
      throw std::runtime_error("cannot start a ZooKeeper with a TLS port");
    }
  }
  ~TlsServer() { (void)std::system((Script() + " stop " + dir_ + " > /dev/null").c_str()); }
  std::string tls() const { return Trimmed(ReadFile(dir_ + "/address")); }
  std::string plain() const { return Trimmed(ReadFile(dir_ + "/plain_address")); }

 private:
  static std::string Script() { return SourceDir() + "/scripts/zk-server"; }
  static std::string Trimmed(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
  std::string dir_;
};

constexpr const char* kTlsHint = "answers in TLS (a secureClientPort?)";

TEST(TlsTest, BothPathsRefuseATlsPortAndSaySo) {
  TlsServer server;
  const std::string tar = TempDir() + "/b.tar";
  // The C client's path: backup and restore connect with it first.
  for (const char* command : {"backup", "restore"}) {
    RunResult r = RunBaton({command, "--backup_location", "file://" + tar, "--zk",
                            "zk://" + server.tls() + "/app", "--zk_timeout", "2000"});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_THAT(r.err, HasSubstr(kTlsHint)) << command;
    EXPECT_THAT(r.err, HasSubstr("clientPort")) << command;
  }
  // Baton's own wire session.
  try {
    zk::wire::WireSession session(ZkUrl::Parse("zk://" + server.tls() + "/app"),
                                  ZkTimeouts{.connect_ms = 2000, .session_ms = 10000});
    ADD_FAILURE() << "a wire session over TLS connected";
  } catch (const zk::ConnectionLost& e) {
    EXPECT_THAT(e.what(), HasSubstr(kTlsHint));
  }
  // The same server's plain port works, and is not taken for TLS.
  RunResult plain = RunBaton({"backup", "--backup_location", "file://" + tar, "--zk",
                              "zk://" + server.plain() + "/app", "--zk_timeout", "20000"});
  EXPECT_THAT(plain.err, HasSubstr("nothing to back up"));
  EXPECT_THAT(plain.err, Not(HasSubstr("TLS")));
}

}  // namespace
}  // namespace baton::testing
