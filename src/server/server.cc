#include "server/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/backup.h"
#include "baton/error.h"
#include "baton/restore.h"
#include "baton/storage.h"
#include "server/leader_election.h"
#include "store/migration.h"
#include "store/runtime_configuration.h"
#include "zk/zk_session.h"

namespace baton::server {
namespace {

using nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// The storage versions this build knows. Steps that rewrite data arrive with
// the app API; until then the target is the first persistence-store version.
store::Migration MakeMigration() {
  store::StorageVersion first{1, 0, 0, 1};
  return store::Migration(first,
                          {{first, "initial layout", [](zk::ZkSession&, const std::string&) {}}});
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

void Server::Stop() { stopping_ = true; }

void Server::Run() {
  const std::string me = options_.hostname + ":" + std::to_string(options_.http_port);
  zk::ZkSession session(options_.zk, options_.timeouts);
  const std::string state = options_.zk.state_path();
  session.EnsureContainers(state);
  LeaderElection election(session, options_.zk.leader_path(), me);
  std::atomic<bool> serving{false};
  std::atomic<bool> abdicate{false};

  httplib::Server http;
  http.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong", "text/plain");
  });
  http.Get("/v2/leader", [&](const httplib::Request&, httplib::Response& res) {
    auto leader = election.Leader();
    if (!leader) return Reply(res, 404, {{"message", "There is no leader"}});
    Reply(res, 200, {{"leader", *leader}});
  });
  http.Delete("/v2/leader", [&](const httplib::Request& req, httplib::Response& res) {
    if (!serving) {
      auto leader = election.Leader();
      if (!leader) return Reply(res, 503, {{"message", "There is no leader"}});
      res.set_redirect("http://" + *leader + req.target, 307);
      return;
    }
    store::RuntimeConfiguration config;
    for (auto [name, field] :
         {std::pair{"backup", &config.backup}, std::pair{"restore", &config.restore}}) {
      if (!req.has_param(name)) continue;
      std::string uri = req.get_param_value(name);
      try {
        OpenStorage(uri);
      } catch (const Error& e) {
        return Reply(res, 400, {{"message", std::string("Invalid ") + name + " URI: " + e.what()}});
      }
      *field = uri;
    }
    config.Write(session, state);
    abdicate = true;
    Reply(res, 200, {{"message", "Leadership abdicated"}});
  });

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
      serving = false;  // lost or never had it: a new term starts with a takeover
      continue;
    }
    if (!serving) {
      // Take over: first what the previous leader left for us, then migrate.
      store::RuntimeConfiguration config = store::RuntimeConfiguration::Read(session, state);
      store::RuntimeConfiguration{}.Write(session, state);
      try {
        if (config.backup) Backup({options_.zk, options_.timeouts, *config.backup});
        if (config.restore)
          Restore(RestoreOptions{options_.zk, options_.timeouts, *config.restore});
        bool just_saved = config.backup || config.restore;
        MakeMigration().Run(session, state, [&] {
          if (!options_.backup_location.empty() && !just_saved) {
            Backup({options_.zk, options_.timeouts, options_.backup_location});
          }
        });
        serving = true;
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
    serving = false;
    election.Leave();
    spdlog::info("abdicated; rejoining the election");
    election.Join();
  }
  election.Leave();
}

}  // namespace baton::server
