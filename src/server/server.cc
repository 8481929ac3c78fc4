#include "server/server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
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

// What /metrics reports, in Prometheus' text format.
struct Metrics {
  struct Job {
    std::atomic<uint64_t> ok{0}, failed{0}, bytes{0};
    std::atomic<double> seconds{0}, last_success{0};
  };
  Job backup, restore;
  std::atomic<bool> leader{false};

  // Runs `job`, which returns the bytes it moved, and records the outcome.
  template <typename Fn>
  void Record(Job& m, Fn job) {
    auto start = std::chrono::steady_clock::now();
    try {
      m.bytes += job();
      m.ok++;
      m.last_success = static_cast<double>(std::time(nullptr));
    } catch (...) {
      m.failed++;
      throw;
    }
    m.seconds =
        m.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  std::string Text() const {
    std::string out;
    for (auto [name, m] : {std::pair{"backup", &backup}, std::pair{"restore", &restore}}) {
      std::string n(name);
      out += "# TYPE baton_" + n + "s_total counter\n";
      out += "baton_" + n + "s_total{result=\"success\"} " + std::to_string(m->ok) + "\n";
      out += "baton_" + n + "s_total{result=\"failure\"} " + std::to_string(m->failed) + "\n";
      out += "# TYPE baton_" + n + "_seconds_total counter\nbaton_" + n + "_seconds_total " +
             std::to_string(m->seconds.load()) + "\n";
      out += "# TYPE baton_" + n + "_bytes_total counter\nbaton_" + n + "_bytes_total " +
             std::to_string(m->bytes) + "\n";
      out += "# TYPE baton_" + n + "_last_success_timestamp_seconds gauge\nbaton_" + n +
             "_last_success_timestamp_seconds " + std::to_string(m->last_success.load()) + "\n";
    }
    out += "# TYPE baton_leader gauge\nbaton_leader " + std::string(leader ? "1" : "0") + "\n";
    return out;
  }
};

std::string Base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

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

  Metrics metrics;
  httplib::Server http;
  if (!options_.http_credentials.empty()) {
    const std::string expected = "Basic " + Base64(options_.http_credentials);
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
  http.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    metrics.leader = serving.load();
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
        if (config.backup) {
          metrics.Record(metrics.backup, [&] {
            return Backup({options_.zk, options_.timeouts, *config.backup}).bytes;
          });
        }
        if (config.restore) {
          metrics.Record(metrics.restore, [&] {
            return Restore(RestoreOptions{options_.zk, options_.timeouts, *config.restore}).bytes;
          });
        }
        bool just_saved = config.backup || config.restore;
        MakeMigration().Run(session, state, [&] {
          if (!options_.backup_location.empty() && !just_saved) {
            metrics.Record(metrics.backup, [&] {
              return Backup({options_.zk, options_.timeouts, options_.backup_location}).bytes;
            });
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
