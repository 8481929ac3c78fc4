#include "server/server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/backup.h"
#include "baton/error.h"
#include "baton/restore.h"
#include "baton/storage.h"
#include "server/app_migrations.h"
#include "server/app_repository.h"
#include "server/app_resource.h"
#include "server/leader_election.h"
#include "server/leader_proxy.h"
#include "server/metrics.h"
#include "storage/backup_location.h"
#include "store/restore_marker.h"
#include "store/runtime_configuration.h"
#include "util/digest.h"
#include "zk/zk_session.h"

namespace baton::server {
namespace {

// Threads serving HTTP connections (see Run).
constexpr size_t kHttpWorkers = 64;

using nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  ReplyJson(res, status, body.dump());
}

// Checks a location given to the leader endpoint or on the command line;
// returns it with secrets redacted, for the log. Throws baton::Error.
std::string CheckLocation(const std::string& uri, bool for_restore) {
  if (for_restore && uri.find(storage::kTimePlaceholder) != std::string::npos) {
    throw Error("a restore location names one backup; it cannot contain " +
                std::string(storage::kTimePlaceholder));
  }
  return OpenStorage(storage::ExpandTimePlaceholder(uri, std::chrono::system_clock::now()))
      ->Describe();
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

void Server::Stop() { stopping_ = true; }

void Server::Run() {
  if (!options_.backup_location.empty()) CheckLocation(options_.backup_location, false);
  const std::string me = options_.hostname + ":" + std::to_string(options_.http_port);
  zk::ZkSession session(options_.zk, options_.timeouts);
  const std::string state = options_.zk.state_path();
  session.EnsureContainers(state);
  LeaderElection election(session, options_.zk.leader_path(), me);

  // The current term: while this instance serves as leader, the path of its
  // election node, which every write of the term checks.
  std::mutex term_mu;
  std::string fence;
  auto term = [&]() -> std::optional<std::string> {
    std::lock_guard lock(term_mu);
    return fence.empty() ? std::nullopt : std::optional(fence);
  };
  auto set_term = [&](std::string path) {
    std::lock_guard lock(term_mu);
    fence = std::move(path);
  };
  std::atomic<bool> abdicate{false};

  Metrics metrics;
  LeaderProxy proxy(election, me, term);
  AppRepository apps(session, state);
  AppResource app_resource(apps, proxy);
  httplib::Server http;
  if (!options_.http_credentials.empty()) {
    const std::string expected = "Basic " + util::Base64(options_.http_credentials);
    http.set_pre_routing_handler([expected](const httplib::Request& req, httplib::Response& res) {
      const std::string given = req.get_header_value("Authorization");
      if (given.size() == expected.size() &&
          CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.set_header("WWW-Authenticate", "Basic realm=\"baton\"");
      Reply(res, 401, {{"message", "Unauthorized"}});
      return httplib::Server::HandlerResponse::Handled;
    });
  }
  // Requests are logged without their query, which may carry S3 keys.
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    auto level = req.method == "GET" ? spdlog::level::debug : spdlog::level::info;
    spdlog::log(level, "http {} {} -> {} from {}", req.method, req.path, res.status,
                req.remote_addr);
  });
  http.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    metrics.leader = term().has_value();
    res.set_content(metrics.Text(), "text/plain; version=0.0.4");
  });
  http.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong", "text/plain");
  });
  http.Get("/v2/leader", [&](const httplib::Request&, httplib::Response& res) {
    auto leader = election.Leader();
    if (!leader) return Reply(res, 404, {{"message", "There is no leader"}});
    Reply(res, 200, {{"leader", *leader}});
  });
  http.Delete("/v2/leader", [&](const httplib::Request& req, httplib::Response& res) {
    if (!proxy.Route(req, res)) return;
    store::RuntimeConfiguration config;
    std::string plan;
    for (auto [name, field] :
         {std::pair{"backup", &config.backup}, std::pair{"restore", &config.restore}}) {
      if (!req.has_param(name)) continue;
      std::string uri = req.get_param_value(name);
      try {
        plan +=
            std::string(plan.empty() ? "" : ", ") + name + " " + CheckLocation(uri, *name == 'r');
      } catch (const Error& e) {
        return Reply(res, 400, {{"message", std::string("Invalid ") + name + " URI: " + e.what()}});
      }
      *field = uri;
    }
    // Not queued behind a running job: whoever asked decides again later.
    if (abdicate) {
      return Reply(res, 409, {{"message", "Leadership is already being handed over"}});
    }
    if (auto running = store::RunningJob(session, options_.zk.path)) {
      return Reply(res, 409, {{"message", *running + " is running; ask again when it is done"}});
    }
    config.Write(session, state);
    abdicate = true;
    spdlog::info("leader endpoint: abdicating{}{}", plan.empty() ? "" : "; the next leader will ",
                 plan);
    Reply(res, 200, {{"message", "Leadership abdicated"}});
  });
  app_resource.Register(http);
  // cpp-httplib writes a response's headers and body separately: with Nagle's
  // algorithm on, each response waited for the client's delayed ACK (wrk, 16
  // connections: 27 ms mean latency on /ping, 400 requests/s). And it gives
  // each keep-alive connection a worker until it goes idle: its default 8
  // workers made a ninth client wait.
  http.set_tcp_nodelay(true);
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpWorkers); };
  http.set_keep_alive_timeout(2);
  if (!http.bind_to_port(options_.hostname, options_.http_port)) {
    throw Error("cannot listen on " + me);
  }
  std::thread listener([&] { http.listen_after_bind(); });
  // Stop and join the listener however Run() ends.
  struct Joiner {
    httplib::Server& http;
    std::thread& thread;
    ~Joiner() {
      http.stop();
      thread.join();
    }
  } joiner{http, listener};
  spdlog::info("serving on {}, candidate under {}", me, options_.zk.leader_path());

  election.Join();
  while (!stopping_) {
    if (!election.WaitForLeadership(std::chrono::milliseconds(200))) {
      set_term("");  // lost or never had it: a new term starts with a takeover
      continue;
    }
    if (!term()) {
      // Take over: first what the previous leader left for us, then migrate.
      store::RuntimeConfiguration config = store::RuntimeConfiguration::Read(session, state);
      store::RuntimeConfiguration{}.Write(session, state);
      RestoreOptions restore_options;
      restore_options.zk = options_.zk;
      restore_options.timeouts = options_.timeouts;
      restore_options.force = true;  // this server leads, and restores before it serves
      restore_options.safety_backup_dir = options_.safety_backup_dir;
      try {
        // A restore that died half-way is rolled back before anything else.
        if (RecoverInterruptedRestore(restore_options)) {
          spdlog::warn("rolled back an interrupted restore before taking over");
        }
        if (config.backup) {
          metrics.Record(metrics.backup, [&] {
            return Backup({options_.zk, options_.timeouts, *config.backup}).bytes;
          });
        }
        if (config.restore) {
          metrics.Record(metrics.restore, [&] {
            restore_options.backup_location = *config.restore;
            return Restore(restore_options).bytes;
          });
        }
        bool just_saved = config.backup || config.restore;
        AppStoreMigration().Run(session, state, [&] {
          if (!options_.backup_location.empty() && !just_saved) {
            metrics.Record(metrics.backup, [&] {
              BackupStats stats =
                  Backup({options_.zk, options_.timeouts, options_.backup_location});
              spdlog::info("backup before the migration written to {}", stats.location);
              return stats.bytes;
            });
          }
        });
        set_term(election.NodePath());
        spdlog::info("serving as leader");
      } catch (const Error& e) {
        // A failed takeover is not served: give up leadership and let the
        // next candidate (maybe this one again) take over without it.
        spdlog::error("taking over leadership failed: {}; abdicating", e.what());
        election.Leave();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        election.Join();
        continue;
      }
    }
    if (!abdicate.exchange(false)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.abdicate_delay_ms));
    set_term("");
    election.Leave();
    spdlog::info("abdicated; rejoining the election");
    election.Join();
  }
  election.Leave();
}

}  // namespace baton::server
