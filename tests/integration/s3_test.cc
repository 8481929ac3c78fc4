// The s3:// provider against a real S3-compatible server (s3rver) behind a
// proxy that checks every Signature V4 with AWS's own signer, so a signing
// bug or a wrong secret fails here as it would against AWS.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <utility>

#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The AWS CLI, pointed at the test server as the S3RVER account.
// Its exit code; a failure must be the server's answer, not a CLI that cannot run.
int AwsCli(const std::string& args, const std::string& secret = "S3RVER") {
  std::string command = "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=" + secret +
                        " AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url " + S3Endpoint() + " " +
                        args + " 2>&1 >/dev/null";
  int code = 0;
  std::string err = Shell(command, &code);
  EXPECT_TRUE(code == 0 || err.find("An error occurred (") != std::string::npos)
      << command << " exited " << code << ":\n"
      << err;
  return code;
}

// What the proxy forwarded or injected so far, one "STATUS METHOD URL" a line.
std::string ProxyEvents() {
  std::string command = "curl -s " + S3Endpoint() + "/__proxy/events";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}

class S3Test : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    key_ = "backups" + root_ + ".tar";
  }

  std::string Location(const std::string& params) const {
    return "s3://baton-test/" + key_ + "?endpoint=" + S3Endpoint() +
           (params.empty() ? "" : "&" + params);
  }

  // An environment with no credentials of its own, so each test names its
  // source; EC2 metadata is off unless a test turns it on.
  std::map<std::string, std::string> CleanEnv() const {
    return {{"AWS_ACCESS_KEY_ID", ""},
            {"AWS_SECRET_ACCESS_KEY", ""},
            {"AWS_SESSION_TOKEN", ""},
            {"AWS_PROFILE", ""},
            {"HOME", dir_},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_SHARED_CREDENTIALS_FILE", ""},
            {"AWS_CONFIG_FILE", ""}};
  }

  RunResult S3Backup(const std::string& location, std::map<std::string, std::string> env = {}) {
    auto vars = CleanEnv();
    for (auto& [k, v] : env) vars[k] = v;
    return RunBaton(
        {"--log_level", "debug", "backup", "--backup_location", location, "--zk", zk_url_}, 300,
        vars);
  }

  RunResult S3RestoreInto(const std::string& location, const std::string& zk_url,
                          std::map<std::string, std::string> env = {}) {
    auto vars = CleanEnv();
    for (auto& [k, v] : env) vars[k] = v;
    return RunBaton({"--log_level", "debug", "restore", "--to_other_path", "--backup_location",
                     location, "--zk", zk_url},
                    300, vars);
  }

  // Backs the tree up with `env` credentials, restores it elsewhere, compares.
  void ExpectRoundTrip(const std::string& location, const std::map<std::string, std::string>& env,
                       const std::string& source) {
    Populate(TreeShape{});
    RunResult b = S3Backup(location, env);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_THAT(b.err, HasSubstr(source));
    std::string other = UniqueRoot("s3-target");
    RunResult r = S3RestoreInto(location, "zk://" + ZkAddress() + other, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Snapshot want = zk_.Take(state_), got = zk_.Take(other + "/state");
    want.erase("/internal:storage:version");
    got.erase("/internal:storage:version");
    EXPECT_EQ(Diff(want, got), "");
    zk_.DeleteTree(other);
  }

  std::string key_;
};

// The proof that the test server checks signatures: AWS's own client passes
// with the right secret and is refused with a wrong one.
TEST(S3TestServer, ChecksSignaturesOfTheAwsCli) {
  std::string file = TempDir() + "/probe.txt";
  std::ofstream(file) << "probe";
  std::string key = "probe" + UniqueRoot("cli");
  EXPECT_EQ(AwsCli("s3 cp " + file + " s3://baton-test/" + key), 0);
  EXPECT_EQ(AwsCli("s3api head-object --bucket baton-test --key " + key), 0);
  EXPECT_NE(AwsCli("s3 cp " + file + " s3://baton-test/" + key + "-wrong", "wrong-secret"), 0);
  EXPECT_NE(AwsCli("s3api head-object --bucket baton-test --key " + key, "wrong-secret"), 0);
  EXPECT_THAT(ProxyEvents(), HasSubstr("403 PUT /baton-test/" + key + "-wrong"));
}

const char kUriSecret[] = "uri-secret/with+special=chars";
const char kUriParams[] = "access_key=AKIDBATONURI&secret_key=uri-secret%2Fwith%2Bspecial%3Dchars";

TEST_F(S3Test, UriCredentialsRoundTripAndSecretsStayHidden) {
  ExpectRoundTrip(Location(kUriParams), {}, "the backup location URI");
  RunResult b = S3Backup(Location(kUriParams));
  EXPECT_THAT(b.out + b.err, Not(HasSubstr(kUriSecret)));
  EXPECT_THAT(b.out + b.err, Not(HasSubstr("uri-secret")));
  EXPECT_THAT(b.out + b.err, Not(HasSubstr("AKIDBATONURI")));
  RunResult help = RunBaton({"backup", "--help"});
  EXPECT_THAT(help.out, Not(HasSubstr("secret_key=")));
}

TEST_F(S3Test, WrongSecretIsRefusedAndLeavesNoObject) {
  Populate(TreeShape{});
  RunResult b = S3Backup(Location("access_key=AKIDBATONURI&secret_key=not-the-secret"));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(b.err, HasSubstr("taken from the backup location URI"));
  EXPECT_THAT(b.err, Not(HasSubstr("not-the-secret")));
  EXPECT_NE(AwsCli("s3api head-object --bucket baton-test --key " + key_), 0);
}

// What /proc/PID/cmdline shows of a running baton with `args`.
std::string RunningCmdline(std::vector<std::string> args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 1);
    dup2(null, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Read once baton has rewritten its title (it is neither the argv it was
  // given nor, before the exec, this test's own) and the rewrite is over (two
  // reads 100 ms apart agree: it masks one argument after another).
  std::string given;
  for (const std::string& a : args) given += a + '\0';
  const std::string own = ReadFile("/proc/self/cmdline");
  std::string cmdline, before;
  WaitFor(
      [&] {
        before = std::exchange(cmdline, ReadFile("/proc/" + std::to_string(pid) + "/cmdline"));
        return !cmdline.empty() && cmdline != given && cmdline != own && cmdline == before;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return cmdline;
}

TEST_F(S3Test, SecretsAreHiddenFromTheProcessTitle) {
  // secret%5Fkey is decoded to secret_key (and wins, being last).
  std::string location = Location(std::string(kUriParams) + "&secret%5Fkey=pct-secret");
  // Never connects: it waits, and is killed once its title is read.
  std::string zk = "zk://alice:zk-password-42@127.0.0.1:1/marathon";
  std::string cmdline = RunningCmdline({BatonBinary(), "backup", "--backup_location", location,
                                        "--zk", zk, "--zk_timeout", "60000"});
  ASSERT_THAT(cmdline, HasSubstr("backup"));
  EXPECT_THAT(cmdline, Not(HasSubstr("uri-secret")));
  EXPECT_THAT(cmdline, Not(HasSubstr("AKIDBATONURI")));
  EXPECT_THAT(cmdline, Not(HasSubstr("pct-secret")));
  EXPECT_THAT(cmdline, Not(HasSubstr("zk-password-42")));
  EXPECT_THAT(cmdline, HasSubstr("zk://alice:"));

  // Misspelt or upper-case secrets (a file location ignores its parameters).
  cmdline = RunningCmdline(
      {BatonBinary(), "backup", "--backup_location",
       "file://" + TempDir() + "/b.tar?SECRET_KEY=upper-secret&secretkey=typo-secret", "--zk", zk,
       "--zk_timeout", "60000"});
  ASSERT_THAT(cmdline, HasSubstr("backup"));
  EXPECT_THAT(cmdline, Not(HasSubstr("upper-secret")));
  EXPECT_THAT(cmdline, Not(HasSubstr("typo-secret")));
}

// Every command an operator runs, successful or failing, with debug logs in
// both formats and --json results: no secret from the S3 URI or the
// ZooKeeper URL may appear in anything baton prints.
TEST_F(S3Test, NoSecretAppearsInAnyOutput) {
  const std::vector<std::string> secrets{"s3-scan-secret", "s3-scan-secret%2B99", "AKIDSCANKEY",
                                         "zk-scan-secret-77"};
  zk_.Create(root_, "");  // open, so other tests' sessions may still use it
  Populate(TreeShape{});
  const std::string zk = "zk://carol:zk-scan-secret-77@" + ZkAddress() + root_;
  const std::string good = Location("access_key=AKIDSCANKEY&secret_key=s3-scan-secret%2B99");
  // The proxy knows one secret per access key: the test server's.
  const std::string s3 = Location(std::string(kUriParams));
  const std::string wrong = Location("access_key=AKIDSCANKEY&secret_key=s3-scan-secret");
  std::vector<std::vector<std::string>> runs = {
      {"backup", "--json", "--backup_location", s3, "--zk", zk},
      {"backup", "--progress", "log", "--progress_interval", "0.001", "--backup_location", s3,
       "--zk", zk},
      {"backup", "--backup_location", good, "--zk", zk},   // refused: wrong secret
      {"backup", "--backup_location", wrong, "--zk", zk},  // refused: wrong secret
      {"verify", s3},
      {"inspect", "--json", s3},
      {"inspect", good},  // refused
      {"diff", "--json", s3, "--zk", zk},
      {"restore", "--dry-run", "--json", "--backup_location", s3, "--zk", zk},
      {"restore", "--json", "--backup_location", s3, "--zk", zk},
      {"restore", "--backup_location", good, "--zk", zk},  // refused
      {"recover", "--json", "--zk", zk},
      {"backup", "--backup_location", s3, "--zk",  // refused: wrong ZooKeeper password
       "zk://carol:zk-scan-secret-77-wrong@" + ZkAddress() + "/nowhere", "--zk_timeout", "3000"},
  };
  int failed = 0;
  for (const char* log_format : {"text", "json"}) {
    for (std::vector<std::string> args : runs) {
      args.insert(args.begin(), {"--log_level", "debug", "--log_format", log_format});
      RunResult r = RunBaton(args, 300, CleanEnv());
      failed += r.exit_code != 0;
      for (const std::string& secret : secrets) {
        EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)))
            << secret << " printed by: baton " << args[4] << " ...\n"
            << r.out << r.err;
      }
    }
  }
  EXPECT_EQ(failed, 2 * 5) << "the refusals above were meant to fail, the rest to succeed";
  // The restored nodes are carol's: the fixture removes them as carol.
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "carol:zk-scan-secret-77", 23, nullptr, nullptr),
            ZOK);
}

TEST_F(S3Test, ServerSideEncryptionAndContentMd5AreSent) {
  Populate(TreeShape{});
  RunResult b = S3Backup(Location(std::string(kUriParams) + "&sse=AES256"));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(ProxyEvents(), HasSubstr("forward PUT /baton-test/" + key_ + " sse=AES256 md5"));
}

TEST_F(S3Test, MissingObjectAndBucketAreClear) {
  RunResult r = S3RestoreInto(Location(kUriParams), zk_url_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
  RunResult nb = S3RestoreInto(
      "s3://no-such-bucket/x.tar?endpoint=" + S3Endpoint() + "&" + kUriParams, zk_url_);
  EXPECT_EQ(nb.exit_code, 1);
  EXPECT_THAT(nb.err, HasSubstr("does not exist"));
}

TEST_F(S3Test, EnvironmentCredentialsSendTheSessionToken) {
  std::map<std::string, std::string> env{{"AWS_ACCESS_KEY_ID", "AKIDBATONSESSION"},
                                         {"AWS_SECRET_ACCESS_KEY", "session-secret"},
                                         {"AWS_SESSION_TOKEN", "session-token-123"}};
  ExpectRoundTrip(Location(""), env, "environment variables");
  // Without the token the server refuses: it is really sent.
  env["AWS_SESSION_TOKEN"] = "";
  RunResult b = S3Backup(Location(""), env);
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr("InvalidToken"));
}

TEST_F(S3Test, SharedCredentialsFileProfile) {
  std::ofstream(dir_ + "/creds")
      << "[default]\naws_access_key_id=WRONG\naws_secret_access_key=WRONG\n"
         "[baton]\naws_access_key_id = AKIDBATONPROFILE\n"
         "aws_secret_access_key = profile-secret\n";
  ExpectRoundTrip(Location(""),
                  {{"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/creds"}, {"AWS_PROFILE", "baton"}},
                  "profile 'baton'");
}

TEST_F(S3Test, EndpointFromTheEnvironment) {
  Populate(TreeShape{});
  RunResult b = S3Backup("s3://baton-test/" + key_ + "?" + kUriParams,
                         {{"AWS_ENDPOINT_URL_S3", S3Endpoint()}});
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(AwsCli("s3api head-object --bucket baton-test --key " + key_), 0);
}

// The network credential sources, served on loopback by fake_aws_endpoints.py.
class NetworkCredentialsTest : public S3Test {
 protected:
  void SetUp() override {
    S3Test::SetUp();
    std::string command = "/usr/bin/python3 " + SourceDir() +
                          "/tests/s3/fake_aws_endpoints.py web-token-1 ecs-auth-1";
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    std::string port;  // one line: the port, maybe in several writes
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') port += c;
    close(out[0]);
    ASSERT_FALSE(port.empty());
    endpoint_ = "http://127.0.0.1:" + port;
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    S3Test::TearDown();
  }
  pid_t pid_ = -1;
  std::string endpoint_;
};

TEST_F(NetworkCredentialsTest, WebIdentityThroughSts) {
  std::ofstream(dir_ + "/token") << "web-token-1\n";
  ExpectRoundTrip(Location(""),
                  {{"AWS_WEB_IDENTITY_TOKEN_FILE", dir_ + "/token"},
                   {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/baton"},
                   {"AWS_ENDPOINT_URL_STS", endpoint_}},
                  "web identity");
}

TEST_F(NetworkCredentialsTest, EcsContainerCredentials) {
  ExpectRoundTrip(Location(""),
                  {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint_ + "/ecs-credentials"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ecs-auth-1"}},
                  "ECS container credentials");
}

TEST_F(NetworkCredentialsTest, Ec2InstanceMetadataWithImdsV2) {
  ExpectRoundTrip(
      Location(""),
      {{"AWS_EC2_METADATA_DISABLED", ""}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint_}},
      "EC2 instance metadata (role baton-role)");
}

// Over 50 MB: a multipart upload of several 8 MiB parts; the AWS CLI reads
// what baton wrote, and baton restores what the AWS CLI uploaded.
TEST_F(S3Test, LargeBackupGoesMultipartAndInteroperatesWithTheAwsCli) {
  TreeShape shape;
  shape.big_values = 55;  // 55 values of 1000 KiB
  Populate(shape);
  RunResult b = S3Backup(Location(kUriParams));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string downloaded = dir_ + "/downloaded.tar";
  ASSERT_EQ(AwsCli("s3 cp s3://baton-test/" + key_ + " " + downloaded), 0);
  EXPECT_GT(std::filesystem::file_size(downloaded), 50u << 20);
  EXPECT_THAT(ProxyEvents(),
              HasSubstr("forward PUT /baton-test/" + key_ + "?partNumber=7&uploadId="));

  // What the CLI downloaded restores from a file; and re-uploaded by the
  // CLI under another key, it restores from S3.
  std::string from_file = UniqueRoot("from-file"), from_cli = UniqueRoot("from-cli");
  RunResult f = RunBaton({"restore", "--to_other_path", "--backup_location", "file://" + downloaded,
                          "--zk", "zk://" + ZkAddress() + from_file});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(AwsCli("s3 cp " + downloaded + " s3://baton-test/cli/" + key_), 0);
  RunResult c =
      S3RestoreInto("s3://baton-test/cli/" + key_ + "?endpoint=" + S3Endpoint() + "&" + kUriParams,
                    "zk://" + ZkAddress() + from_cli);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  Snapshot want = zk_.Take(state_);
  want.erase("/internal:storage:version");
  for (const std::string& root : {from_file, from_cli}) {
    Snapshot got = zk_.Take(root + "/state");
    got.erase("/internal:storage:version");
    EXPECT_EQ(Diff(want, got), "") << root;
    zk_.DeleteTree(root);
  }
}

TEST_F(S3Test, ThrottlingAndServerErrorsAreRetried) {
  TreeShape shape;
  shape.big_values = 20;  // three parts and more: many requests, every third answered 503
  Populate(shape);
  std::string location = Location("access_key=AKIDBATONFLAKY&secret_key=flaky-secret");
  RunResult b = S3Backup(location);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.err, HasSubstr("SlowDown; retrying in"));
  std::string other = UniqueRoot("flaky-target");
  RunResult r = S3RestoreInto(location, "zk://" + ZkAddress() + other);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Diff(zk_.Take(state_ + "/group"), zk_.Take(other + "/state/group")), "");
  zk_.DeleteTree(other);
}

// Every fourth request loses its connection, as when the server restarts:
// uploads before they arrive, downloads half-way through the body. Both are
// retried (ranged reads resume where they stopped) and the data is intact.
TEST_F(S3Test, ConnectionsCutMidTransferAreRetried) {
  TreeShape shape;
  shape.big_values = 20;  // a multipart upload and many ranged reads
  Populate(shape);
  std::string location = Location("access_key=AKIDBATONCUT&secret_key=cut-secret");
  RunResult b = S3Backup(location);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.err, HasSubstr("retrying in"));
  std::string other = UniqueRoot("cut-target");
  RunResult r = S3RestoreInto(location, "zk://" + ZkAddress() + other);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("retrying in"));
  for (const char* category : {"/apps", "/group"}) {
    EXPECT_EQ(Diff(zk_.Take(state_ + category), zk_.Take(other + "/state" + category)), "");
  }
  std::string events = ProxyEvents();
  EXPECT_THAT(events, HasSubstr("cut PUT /baton-test/" + key_));
  EXPECT_THAT(events, HasSubstr("cut GET /baton-test/" + key_));
  zk_.DeleteTree(other);
}

TEST_F(S3Test, FailedMultipartUploadIsAbortedAndLeavesNoObject) {
  TreeShape shape;
  shape.big_values = 20;  // more than one part
  Populate(shape);
  RunResult b = S3Backup(Location("access_key=AKIDBATONBROKEN&secret_key=broken-secret"));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr("InternalError"));
  EXPECT_NE(AwsCli("s3api head-object --bucket baton-test --key " + key_), 0);
  std::string events = ProxyEvents();
  EXPECT_THAT(events, HasSubstr("forward DELETE /baton-test/" + key_ + "?uploadId="));
}

}  // namespace
}  // namespace baton::testing
