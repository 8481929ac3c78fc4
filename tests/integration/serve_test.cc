// baton serve: two or more server processes on loopback ports, driven over
// HTTP, against the real ZooKeeper.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/error.h"
#include "integration/serve_fixture.h"
#include "layout/marathon/storage_version.h"
#include "support/app_store.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using namespace std::chrono_literals;

// The backups in `dir` whose names start with `prefix` (not their records).
std::vector<std::string> FilesStartingWith(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && !name.ends_with(".manifest.json")) {
      files.push_back(entry.path());
    }
  }
  return files;
}

// The app list as the API gives it, by id.
std::map<std::string, json> Apps(int port) {
  std::map<std::string, json> apps;
  auto r = httplib::Client("127.0.0.1", port).Get("/v2/apps");
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  json body = Body(r);
  for (const json& app : body["apps"]) {
    apps[app["id"]] = app;
  }
  return apps;
}

TEST_F(ServeTest, LeaderEndpointBackupIsTakenByTheNextLeader) {
  Populate(Shape());
  Instance a = Start();
  Instance b = Start();
  std::string first = AwaitLeader(a);
  ASSERT_EQ(first, Address(a.port));
  EXPECT_EQ(AwaitLeader(b), first);
  ASSERT_TRUE(AwaitServing(a.port));

  httplib::Client client("127.0.0.1", a.port);
  auto bad = client.Delete("/v2/leader?backup=ftp://host/x.tar");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("backup"));

  std::string tar = dir_ + "/by-next-leader.tar";
  auto ok = client.Delete(("/v2/leader?backup=file://" + tar).c_str());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, R"({"message":"Leadership abdicated"})");
  EXPECT_EQ(AwaitLeader(a, first), Address(b.port));
  ASSERT_TRUE(AwaitServing(b.port));
  ASSERT_TRUE(std::filesystem::exists(tar));

  // The backup is complete: it restores to the same tree.
  std::string copy = UniqueRoot("serve-copy");
  RunResult r = RunBaton({"restore", "--to_other_path", "--backup_location", "file://" + tar,
                          "--zk", "zk://" + ZkAddress() + copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Diff(AppState(zk_.Take(state_)), AppState(zk_.Take(copy + "/state"))), "");
  zk_.DeleteTree(copy);
}

TEST_F(ServeTest, RestoreThroughTheLeaderEndpointBringsBackTheOldState) {
  Populate(Shape());
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  // Backed up once the server stored its storage version: a backup without
  // one is refused.
  std::string tar = dir_ + "/before.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  Snapshot before = zk_.Take(state_);
  zk_.Create(state_ + "/apps/0/_created-after-backup", "{}");

  auto r =
      httplib::Client("127.0.0.1", a.port).Delete(("/v2/leader?restore=file://" + tar).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A single instance is its own next leader: it restores, then serves.
  ASSERT_TRUE(AwaitMetric(a.port, "baton_restores_total{result=\"success\"} 1")) << Log(0);
  ASSERT_TRUE(AwaitServing(a.port));
  EXPECT_FALSE(zk_.Exists(state_ + "/apps/0/_created-after-backup"));
  EXPECT_EQ(Diff(AppState(before), AppState(zk_.Take(state_))), "");
}

TEST_F(ServeTest, FailoverWhenTheLeaderDiesAndCleanLeaveOnSigterm) {
  Instance a = Start();  // a 4 s session
  // b's session would outlive the wait below: c can only lead in time if b
  // leaves the election itself.
  session_timeout_ms_ = 90000;
  Instance b = Start();
  Instance c = Start();
  ASSERT_EQ(AwaitLeader(c), Address(a.port));
  Kill(servers_[0], SIGKILL);  // no goodbye: its session must time out
  EXPECT_EQ(AwaitLeader(c, Address(a.port)), Address(b.port));
  Kill(servers_[1], SIGTERM);  // leaves the election at once
  EXPECT_EQ(AwaitLeader(c, Address(b.port), 45s), Address(c.port));
}

TEST_F(ServeTest, ABadRestoreLeavesTheStateAloneAndALeaderServes) {
  Populate(Shape());
  Snapshot before = zk_.Take(state_);
  std::string bad = dir_ + "/bad.tar";
  std::ofstream(bad) << "not a tar";
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  auto r =
      httplib::Client("127.0.0.1", a.port).Delete(("/v2/leader?restore=file://" + bad).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(AwaitMetric(a.port, "baton_restores_total{result=\"failure\"} 1")) << Log(0);
  ASSERT_TRUE(AwaitServing(a.port, 20s));
  EXPECT_EQ(Diff(AppState(before), AppState(zk_.Take(state_))), "");
  EXPECT_THAT(Log(0), HasSubstr("taking over leadership failed"));
}

TEST_F(ServeTest, BasicAuthGuardsEveryEndpointAndMetricsCountBackups) {
  Instance a = Start({"--http_credentials", "ops:s3cret"});
  httplib::Client anonymous("127.0.0.1", a.port);
  httplib::Client wrong("127.0.0.1", a.port);
  wrong.set_basic_auth("ops", "guess");
  httplib::Client ops("127.0.0.1", a.port);
  ops.set_basic_auth("ops", "s3cret");
  for (httplib::Client* c : {&anonymous, &wrong}) {
    EXPECT_EQ(c->Get("/v2/leader")->status, 401);
    EXPECT_EQ(c->Get("/metrics")->status, 401);
    EXPECT_EQ(c->Delete(("/v2/leader?backup=file://" + dir_ + "/x.tar").c_str())->status, 401);
    EXPECT_EQ(c->Post("/v2/apps", R"({"id": "/sneaky"})", kJson)->status, 401);
    EXPECT_EQ(c->Put("/v2/apps/sneaky", "{}", kJson)->status, 401);
    EXPECT_EQ(c->Delete("/v2/apps/web")->status, 401);
    EXPECT_EQ(c->Get("/v2/apps")->status, 401);
  }
  // Wait for leadership with the right credentials.
  bool leading = false;
  for (int i = 0; i < 150 && !leading; ++i) {
    auto r = ops.Get("/metrics");
    leading = r && r->body.find("baton_leader 1") != std::string::npos;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(leading);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.tar"));       // the refused DELETE did nothing
  EXPECT_EQ(Body(ops.Get("/v2/apps"))["apps"], json::array());  // nor did the refused writes
  std::string tar = dir_ + "/metrics.tar";
  ASSERT_EQ(ops.Delete(("/v2/leader?backup=file://" + tar).c_str())->status, 200);
  std::string metrics;
  for (int i = 0; i < 150 && metrics.empty(); ++i) {
    auto r = ops.Get("/metrics");
    if (r && r->body.find("baton_backups_total{result=\"success\"} 1") != std::string::npos &&
        r->body.find("baton_leader 1") != std::string::npos) {
      metrics = r->body;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_THAT(metrics, HasSubstr("baton_backup_bytes_total"));
  EXPECT_THAT(metrics, HasSubstr("baton_restores_total{result=\"success\"} 0"));
  EXPECT_TRUE(std::filesystem::exists(tar));
  // The password is not in the process title.
  std::ifstream in("/proc/" + std::to_string(a.pid) + "/cmdline");
  std::string cmdline(std::istreambuf_iterator<char>(in), {});
  EXPECT_THAT(cmdline, Not(HasSubstr("s3cret")));
}

TEST_F(ServeTest, AppApiThroughAStandbyIsAnsweredByTheLeaderInMarathonsLayout) {
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  Instance b = Start();
  ASSERT_EQ(AwaitLeader(b), Address(a.port));
  httplib::Client standby("127.0.0.1", b.port);

  auto created = standby.Post(
      "/v2/apps", R"({"id": "/prod/web", "cmd": "serve", "mem": 64, "ports": [80]})", kJson);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("X-Baton-Leader"), Address(a.port));
  EXPECT_EQ(created->get_header_value("Location"), "/v2/apps/prod/web");
  json v1 = Body(created);
  EXPECT_EQ(v1["resources"]["mem"], 64);  // the old layout, accepted and brought up to date
  EXPECT_EQ(v1["portDefinitions"][0]["port"], 80);
  EXPECT_EQ(standby.Post("/v2/apps", R"({"id": "/prod/web"})", kJson)->status, 409);
  EXPECT_EQ(standby.Post("/v2/apps", "{not json", kJson)->status, 400);
  EXPECT_EQ(standby.Post("/v2/apps", R"({"id": "/Prod"})", kJson)->status, 422);
  EXPECT_EQ(standby.Post("/v2/apps", R"({"id": "/x", "instances": -1})", kJson)->status, 422);

  auto updated = standby.Put("/v2/apps/prod/web", R"({"cmd": "serve --fast"})", kJson);
  ASSERT_EQ(updated->status, 200) << updated->body;
  json v2 = Body(updated)["app"];
  EXPECT_EQ(v2["resources"]["mem"], 64);  // a PUT changes only the fields it names
  EXPECT_EQ(Body(standby.Get("/v2/apps/prod/web"))["app"], v2);
  EXPECT_EQ(Body(standby.Get("/v2/apps/prod/web/versions"))["versions"],
            json::array({v2["version"], v1["version"]}));
  EXPECT_EQ(
      Body(standby.Get(("/v2/apps/prod/web/versions/" + v1["version"].get<std::string>()).c_str())),
      v1);
  // Marathon's layout: bucket 5 holds "_prod_web" (Java hashCode), the
  // current value in the id node, each version in a child node.
  EXPECT_EQ(json::parse(zk_.Get(state_ + "/apps/5/_prod_web")), v2);
  EXPECT_EQ(zk_.Take(state_ + "/apps/5/_prod_web").size(), 2u);

  EXPECT_EQ(standby.Delete("/v2/apps/prod/web")->status, 200);
  EXPECT_EQ(standby.Get("/v2/apps/prod/web")->status, 404);
  EXPECT_EQ(standby.Delete("/v2/apps/prod/web")->status, 404);
  EXPECT_EQ(standby.Get("/v2/apps/prod/web/versions")->status, 404);
  EXPECT_FALSE(zk_.Exists(state_ + "/apps/5/_prod_web"));
}

TEST_F(ServeTest, RestoreThroughTheLeaderEndpointBringsBackTheAppsAsAtBackupTime) {
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  Instance b = Start();
  httplib::Client ca("127.0.0.1", a.port);
  ASSERT_EQ(ca.Post("/v2/apps", R"({"id": "/keep", "cmd": "v1"})", kJson)->status, 201);
  ASSERT_EQ(ca.Put("/v2/apps/keep", R"({"cmd": "v2"})", kJson)->status, 200);
  ASSERT_EQ(ca.Post("/v2/apps", R"({"id": "/gone/later", "cmd": "x"})", kJson)->status, 201);
  std::map<std::string, json> at_backup = Apps(a.port);
  ASSERT_EQ(at_backup.size(), 2u);
  json keep_versions = Body(ca.Get("/v2/apps/keep/versions"));

  // The next leader (b) backs up to a file named by the time.
  std::string location = "file://" + dir_ + "/apps-{timestamp}.tar";
  ASSERT_EQ(ca.Delete(("/v2/leader?backup=" + Encode(location)).c_str())->status, 200);
  ASSERT_EQ(AwaitLeader(b, Address(a.port)), Address(b.port));
  ASSERT_TRUE(AwaitMetric(b.port, "baton_backups_total{result=\"success\"} 1"));
  ASSERT_TRUE(AwaitServing(b.port));
  std::vector<std::string> tars = FilesStartingWith(dir_, "apps-2");
  ASSERT_EQ(tars.size(), 1u);

  // Change everything, then restore through the leader endpoint.
  httplib::Client cb("127.0.0.1", b.port);
  ASSERT_EQ(cb.Post("/v2/apps", R"({"id": "/new", "cmd": "x"})", kJson)->status, 201);
  ASSERT_EQ(cb.Put("/v2/apps/keep", R"({"cmd": "v3"})", kJson)->status, 200);
  ASSERT_EQ(cb.Delete("/v2/apps/gone/later")->status, 200);
  ASSERT_EQ(cb.Delete(("/v2/leader?restore=" + Encode("file://" + tars[0])).c_str())->status, 200);
  ASSERT_EQ(AwaitLeader(a, Address(b.port)), Address(a.port));
  ASSERT_TRUE(AwaitMetric(a.port, "baton_restores_total{result=\"success\"} 1"));
  ASSERT_TRUE(AwaitServing(a.port));
  EXPECT_EQ(Apps(a.port), at_backup);
  EXPECT_EQ(Body(ca.Get("/v2/apps/keep/versions")), keep_versions);
  EXPECT_EQ(ca.Get("/v2/apps/new")->status, 404);
}

TEST_F(ServeTest, AnOldVersionBackupIsMigratedOnRestore) {
  // A backup of this path's store at storage version 1.0.0 (the old app
  // layout), taken before the server ran.
  zk_.Create(state_, "", true);
  zk_.CreateMany(AppStoreV1(state_, SampleOldApps()));
  std::string tar = dir_ + "/old.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  zk_.DeleteTree(state_);

  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  httplib::Client client("127.0.0.1", a.port);
  ASSERT_EQ(client.Post("/v2/apps", R"({"id": "/after"})", kJson)->status, 201);
  ASSERT_EQ(client.Delete(("/v2/leader?restore=file://" + tar).c_str())->status, 200);
  ASSERT_TRUE(AwaitMetric(a.port, "baton_restores_total{result=\"success\"} 1"));
  ASSERT_TRUE(AwaitServing(a.port));

  std::map<std::string, json> apps = Apps(a.port);
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps["/legacy"]["resources"], json::parse(R"({"cpus": 0.5, "mem": 256})"));
  EXPECT_EQ(apps["/legacy"]["portDefinitions"].size(), 2u);
  EXPECT_FALSE(apps["/legacy"].contains("ports"));
  EXPECT_EQ(apps["/old/api"]["resources"], json::parse(R"({"mem": 64})"));
  EXPECT_EQ(marathon::StorageVersion::Parse(
                marathon::UnwrapStoreEntry(zk_.Get(state_ + "/internal:storage:version")))
                .ToString(),
            "1.2.0");
  EXPECT_THAT(Log(0), HasSubstr("migrating storage from 1.0.0 to 1.2.0"));
}

TEST_F(ServeTest, BackupLocationTakesABackupBeforeEachMigration) {
  zk_.Create(state_, "", true);
  zk_.CreateMany(AppStoreV1(state_, SampleOldApps()));
  Snapshot old = zk_.Take(state_);
  Instance a = Start({"--backup_location", "file://" + dir_ + "/pre-{timestamp}.tar"});
  ASSERT_TRUE(AwaitServing(a.port));
  EXPECT_EQ(Apps(a.port)["/legacy"]["resources"]["mem"], 256);  // migrated

  // The backup holds the store as it was before the migration.
  std::vector<std::string> tars = FilesStartingWith(dir_, "pre-2");
  ASSERT_EQ(tars.size(), 1u);
  std::string copy = UniqueRoot("pre-migration");
  RunResult r = RunBaton({"restore", "--to_other_path", "--backup_location", "file://" + tars[0],
                          "--zk", "zk://" + ZkAddress() + copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Snapshot before = zk_.Take(copy + "/state");
  zk_.DeleteTree(copy);
  EXPECT_EQ(Diff(AppState(old), AppState(before)), "");
  // The storage version entry is re-wrapped with a new uuid: compare what it says.
  EXPECT_EQ(marathon::StorageVersion::Parse(
                marathon::UnwrapStoreEntry(before.at("/internal:storage:version")))
                .ToString(),
            "1.0.0");

  // An up-to-date store is not backed up again.
  Kill(servers_[0], SIGTERM);
  Instance again = Start({"--backup_location", "file://" + dir_ + "/pre-{timestamp}.tar"});
  ASSERT_TRUE(AwaitServing(again.port));
  EXPECT_EQ(FilesStartingWith(dir_, "pre-2").size(), 1u);
}

TEST_F(ServeTest, InvalidLocationsAreRejected) {
  RunResult bad = RunBaton({"serve", "--zk", zk_url_, "--http_port", std::to_string(FreePort()),
                            "--backup_location", "file:relative.tar"},
                           30);
  EXPECT_EQ(bad.exit_code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("baton: error:"));

  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  httplib::Client client("127.0.0.1", a.port);
  for (const std::string& query : std::vector<std::string>{
           std::string("restore=relative/path.tar"),
           "restore=" + Encode("file://" + dir_ + "/b-{timestamp}.tar"),
           "backup=" + Encode("s3://bucket-only"), "backup=file%3A%2F%2F",
           "backup=" + Encode("file://" + dir_ + "/ok.tar") + "&restore=ftp%3A%2F%2Fh%2Fx"}) {
    auto r = client.Delete(("/v2/leader?" + query).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << query;
    std::string which = query.find("restore=") != std::string::npos ? "restore" : "backup";
    EXPECT_THAT(r->body, HasSubstr("Invalid " + which + " URI"));
  }
  EXPECT_EQ(Leader(a), Address(a.port));  // nothing abdicated
}

TEST_F(ServeTest, TheLeaderEndpointRefusesWhileABackupOrRestoreRuns) {
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  httplib::Client client("127.0.0.1", a.port);
  const std::string ask = "/v2/leader?backup=" + Encode("file://" + dir_ + "/b.tar");
  // What a running `baton backup` leaves while it reads (its own marker).
  std::string marker = root_ + "/backup-in-progress-0000000007";
  ASSERT_EQ(zoo_create(zk_.handle(), marker.c_str(), "backup to file:///var/backups/x.tar", 35,
                       &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, nullptr, 0),
            ZOK);
  auto r = client.Delete(ask.c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_THAT(r->body, HasSubstr("a backup to file:///var/backups/x.tar is running"));
  ASSERT_EQ(zoo_delete(zk_.handle(), marker.c_str(), -1), ZOK);

  // And an unfinished restore (its marker names it).
  zk_.Create(root_ + "/restore-in-progress",
             R"({"safety_backup":"","restoring":"file:///r.tar","started":"2026-11-25T00:00:00Z",)"
             R"("host":"elsewhere","no_rollback":false})");
  r = client.Delete(ask.c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_THAT(r->body, HasSubstr("restore of file:///r.tar"));
  zk_.DeleteTree(root_ + "/restore-in-progress");
  EXPECT_EQ(Leader(a), Address(a.port));  // nothing abdicated

  r = client.Delete(ask.c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

// The HTTP API under a bounded concurrent load (wrk: 16 connections for 3 s,
// /ping and GET /v2/leader in turn) while real backups run back to back:
// every request answered, no errors; a leader endpoint call meanwhile gets
// 409 naming the running backup.
TEST_F(ServeTest, AnswersUnderLoadWhileABackupRuns) {
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  // Enough state for a backup of a second or two; the server keeps its
  // storage version.
  zk_.CreateMany(MarathonTree(state_, TreeShape{.apps = 1000,
                                                .versions_per_app = 5,
                                                .instances = 15000,
                                                .big_values = 0,
                                                .storage_version = false}));
  const std::string script = dir_ + "/alternate.lua";
  std::ofstream(script)
      << "n = 0\n"
         "request = function()\n"
         "  n = n + 1\n"
         "  return wrk.format(\"GET\", n % 2 == 0 and \"/ping\" or \"/v2/leader\")\n"
         "end\n";

  std::atomic<bool> loading{true};
  std::atomic<int> backups{0}, failed{0};
  std::thread backup_loop([&] {
    for (int i = 0; i < 20 && loading; ++i) {
      RunResult r = RunBaton({"backup", "--backup_location", "file://" + dir_ + "/load.tar", "--zk",
                              zk_url_, "--quiet"});
      (r.exit_code == 0 ? backups : failed)++;
    }
  });
  // Wait for a backup's marker, then ask the leader to abdicate for another.
  bool marked = false;
  for (int i = 0; i < 5000 && !(marked = BackupRunning()); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  std::string wrk_out;
  std::thread load([&] {
    wrk_out = Shell("wrk -t2 -c16 -d3s --timeout 2s --latency -s " + script +
                    " http://127.0.0.1:" + std::to_string(a.port) + "/ 2>&1");
  });
  httplib::Client client("127.0.0.1", a.port);
  auto refused =
      client.Delete(("/v2/leader?backup=" + Encode("file://" + dir_ + "/other.tar")).c_str());
  load.join();
  loading = false;
  backup_loop.join();

  EXPECT_TRUE(marked);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_THAT(refused->body, HasSubstr("a backup to file://"));
  EXPECT_EQ(failed, 0);
  EXPECT_GE(backups, 1);
  // wrk prints these lines only when something went wrong.
  EXPECT_THAT(wrk_out, Not(HasSubstr("Non-2xx or 3xx responses")));
  EXPECT_THAT(wrk_out, Not(HasSubstr("Socket errors"))) << Log(0);
  size_t at = wrk_out.find("Requests/sec:");
  ASSERT_NE(at, std::string::npos) << wrk_out;
  EXPECT_GT(std::atof(wrk_out.c_str() + at + 13), 100.0) << wrk_out;
  EXPECT_EQ(Leader(a), Address(a.port));  // nothing abdicated
  std::printf("under load during %d backups:\n%s\n", backups.load(), wrk_out.c_str());
}

TEST_F(ServeTest, StructuredLogsCarryNoCredentials) {
  // Made here, openly: nodes alice creates are hers alone, and the parents
  // of every test's root must stay open.
  zk_.Create(root_, "", false);
  zk_url_ = "zk://alice:zk-password@" + ZkAddress() + root_;
  Instance a = Start({"--http_credentials", "ops:http-password", "--log_format", "json"});
  ASSERT_TRUE(AwaitServing(a.port, 15s, "ops", "http-password"));
  httplib::Client client("127.0.0.1", a.port);
  client.set_basic_auth("ops", "http-password");
  ASSERT_EQ(client.Post("/v2/apps", R"({"id": "/web"})", kJson)->status, 201);
  std::string location = "s3://baton-test/serve-" + std::to_string(a.port) +
                         ".tar?endpoint=" + S3Endpoint() +
                         "&access_key=AKIDBATONURI&secret_key=uri-secret%2Fwith%2Bspecial%3Dchars";
  ASSERT_EQ(client.Delete(("/v2/leader?backup=" + Encode(location)).c_str())->status, 200);
  bool backed_up = false;
  for (int i = 0; i < 150 && !backed_up; ++i) {
    auto r = client.Get("/metrics");
    backed_up = r && r->body.find("baton_backups_total{result=\"success\"} 1") != std::string::npos;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(backed_up) << Log(0);
  Kill(servers_[0], SIGTERM);

  std::istringstream lines(Log(0));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    json entry = json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("message"))
        << line;
    for (const char* secret : {"zk-password", "http-password", "uri-secret", "AKIDBATONURI"}) {
      EXPECT_THAT(line, Not(HasSubstr(secret)));
    }
  }
  EXPECT_GT(count, 5);
  EXPECT_THAT(Log(0), HasSubstr("the next leader will backup s3://baton-test/"));
  // Nodes carry alice's ACL; the fixture's session needs her to clean up.
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:zk-password", 17, nullptr, nullptr), ZOK);
}

TEST_F(ServeTest, TheReadmeWalkthroughRunsAsWritten) {
  const std::string script = ReadmeBlock("walkthrough");
  ASSERT_NE(script, "");
  std::ofstream(dir_ + "/walkthrough.sh") << script;

  zk_.DeleteTree("/walkthrough");
  std::string a = Address(FreePort()), b = Address(FreePort());
  std::string command = "cd " + dir_ + " && ZK=" + ZkAddress() + " A=" + a + " B=" + b +
                        " DIR=" + dir_ + " BATON=" + BatonBinary() +
                        " timeout 60 bash -e walkthrough.sh > out.txt 2>&1 < /dev/null";
  int rc = std::system(command.c_str());
  std::ifstream out_file(dir_ + "/out.txt");
  std::string out(std::istreambuf_iterator<char>(out_file), {});
  zk_.DeleteTree("/walkthrough");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr(R"({"leader":")" + a + "\"}"));
  EXPECT_THAT(out, HasSubstr(R"({"leader":")" + b + "\"}"));
  EXPECT_THAT(out, HasSubstr(R"({"message":"Leadership abdicated"})"));
  // The last answer is the app list after the restore.
  std::string last = out.substr(out.rfind(R"({"apps":)"));
  json apps = json::parse(last.substr(0, last.find('\n')))["apps"];
  ASSERT_EQ(apps.size(), 1u) << out;
  EXPECT_EQ(apps[0]["id"], "/prod/web");
  EXPECT_EQ(apps[0]["cmd"], "./web");
}

TEST_F(ServeTest, AnInterruptedRestoreIsRolledBackBeforeServing) {
  Populate(Shape());
  Snapshot before = zk_.Take(state_);
  std::string safety = dir_ + "/safety.tar";
  ASSERT_EQ(Backup(safety).exit_code, 0);
  // What a restore killed half-way leaves: its marker and part of a state.
  zk_.Create(root_ + "/restore-in-progress",
             R"({"safety_backup": "file://)" + safety +
                 R"(", "restoring": "file:///elsewhere.tar", "started": "x", "host": "h"})");
  zk_.DeleteTree(state_ + "/apps");
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  EXPECT_FALSE(zk_.Exists(root_ + "/restore-in-progress"));
  EXPECT_EQ(Diff(AppState(before), AppState(zk_.Take(state_))), "");
  EXPECT_THAT(Log(0), HasSubstr("rolled back an interrupted restore"));
}

}  // namespace
}  // namespace baton::testing
