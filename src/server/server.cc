#include "server/server.h"

#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "baton/error.h"
#include "server/agent.h"
#include "server/app_repository.h"
#include "server/app_resource.h"
#include "server/http_listener.h"
#include "server/json_reply.h"
#include "server/leader_election.h"
#include "server/leader_proxy.h"
#include "server/leader_resource.h"
#include "server/metrics.h"
#include "server/takeover.h"
#include "server/term.h"
#include "util/digest.h"
#include "zk/watch.h"
#include "zk/zk_session.h"

namespace baton::server {
namespace {

// Threads serving HTTP connections (see Configure).
constexpr size_t kHttpWorkers = 64;
constexpr size_t kRequestsPerConnection = 100;

// Whether every address `host` resolves to is a loopback one (127/8, ::1).
bool IsLoopback(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return false;
  bool loopback = found != nullptr;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, a->ai_addr, sizeof in);
      loopback = loopback && (ntohl(in.sin_addr.s_addr) >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, a->ai_addr, sizeof in6);
      loopback = loopback && std::memcmp(&in6.sin6_addr, &in6addr_loopback, 16) == 0;
    } else {
      loopback = false;
    }
  }
  freeaddrinfo(found);
  return loopback;
}

// Without credentials anyone who reaches the server could abdicate its
// leader and restore any backup: only loopback, unless told otherwise.
void CheckExposure(const ServerOptions& options) {
  if (!options.http_credentials.empty() || IsLoopback(options.hostname)) return;
  if (!options.insecure_http) {
    throw Error("refusing to serve on " + options.hostname +
                    " without --http_credentials: anyone who reaches it could abdicate the "
                    "leader and restore any backup. Give --http_credentials user:password, a "
                    "loopback --hostname (127.0.0.1), or --insecure_http to serve it unprotected",
                ErrorKind::kInvalidInput);
  }
  spdlog::warn(
      "--insecure_http: serving on {} without credentials; anyone who reaches it can abdicate "
      "the leader and restore any backup",
      options.hostname);
}

// Bodies over `max_bytes` are refused (413), read past without being kept.
void LimitBodies(httplib::Server& http, size_t max_bytes) {
  http.set_payload_max_length(max_bytes);
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_bytes](const httplib::Request&, httplib::Response& res) {
        if (res.status != 413 || !res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        ReplyMessage(res, 413,
                     "The body is larger than " + std::to_string(max_bytes) +
                         " bytes (see --http_max_body_bytes)");
        return httplib::Server::HandlerResponse::Handled;
      }));
}

// Every request needs the credentials, compared in constant time.
void RequireCredentials(httplib::Server& http, const std::string& credentials) {
  const std::string expected = "Basic " + util::Base64(credentials);
  http.set_pre_routing_handler([expected](const httplib::Request& req, httplib::Response& res) {
    const std::string given = req.get_header_value("Authorization");
    if (given.size() == expected.size() &&
        CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.set_header("WWW-Authenticate", "Basic realm=\"baton\"");
    ReplyMessage(res, 401, "Unauthorized");
    return httplib::Server::HandlerResponse::Handled;
  });
}

// Credentials, the log, and the connection handling of every endpoint.
void Configure(httplib::Server& http, const ServerOptions& options) {
  if (!options.http_credentials.empty()) RequireCredentials(http, options.http_credentials);
  // Requests are logged without their query, which may carry S3 keys.
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    auto level = req.method == "GET" ? spdlog::level::debug : spdlog::level::info;
    spdlog::log(level, "http {} {} -> {} from {}", req.method, req.path, res.status,
                req.remote_addr);
  });
  // cpp-httplib writes a response's headers and body separately: with Nagle's
  // algorithm on, each response waited for the client's delayed ACK (wrk, 16
  // connections: 27 ms mean latency on /ping, 400 requests/s). And it gives
  // each keep-alive connection a worker until it goes idle: its default 8
  // workers made a ninth client wait.
  http.set_tcp_nodelay(true);
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpWorkers); };
  http.set_keep_alive_timeout(2);
  // cpp-httplib closes a connection after 5 requests by default: a busy
  // client reconnected every fifth request. A client beyond kHttpWorkers
  // connections waits until one goes idle or reaches this count.
  http.set_keep_alive_max_count(kRequestsPerConnection);
  LimitBodies(http, options.http_max_body_bytes);
}

// GET /metrics and GET /ping, which every instance answers itself.
void ServeStatus(httplib::Server& http, Metrics& metrics, const Term& term,
                 const AgentMetrics* scheduled) {
  http.Get("/metrics",
           [&metrics, &term, scheduled](const httplib::Request&, httplib::Response& res) {
             metrics.leader = term.fence().has_value();
             res.set_content(metrics.Text() + (scheduled != nullptr ? scheduled->Text() : ""),
                             "text/plain; version=0.0.4");
           });
  http.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong", "text/plain");
  });
}

// Runs terms, one after the other, until `stopping` (true) or until the
// session ended (false): everything that hung on it is gone then.
bool RunTerms(zk::ZkSession& session, LeaderElection& election, Term& term, Takeover& takeover,
              const std::atomic<bool>& stopping, std::chrono::milliseconds abdicate_delay) {
  election.Join();
  while (!stopping) {
    if (zk::SessionEnded(session)) {
      term.End();
      spdlog::warn("the ZooKeeper session expired or was refused; this term ended");
      return false;
    }
    if (!election.WaitForLeadership(std::chrono::milliseconds(200))) {
      term.End();  // lost or never had it: a new term starts with a takeover
      continue;
    }
    if (!term.fence()) {
      // The term owns the state: it waits (answering 503) while an operator's
      // restore or recover holds the lock, and holds it until the term ends.
      if (!term.Own()) continue;
      try {
        takeover.Run(term.owner());
        term.Serve();
        spdlog::info("serving as leader");
      } catch (const Error& e) {
        // A failed takeover is not served: give up leadership and let the
        // next candidate (maybe this one again) take over without it.
        spdlog::error("taking over leadership failed: {}; abdicating", e.what());
        term.End();
        if (zk::SessionEnded(session)) return false;  // a new session rejoins
        term.StepAside();
        continue;
      }
    }
    if (!term.handed_over()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    term.Abdicate(abdicate_delay);
  }
  election.Leave();
  term.End();
  return true;
}

// Runs the backup schedule on a thread of its own for as long as the session
// serves; what it throws is logged, and it starts again a second later.
class Scheduled {
 public:
  Scheduled(zk::ZkSession& session, const AgentOptions& options, AgentMetrics& metrics,
            const std::atomic<bool>& stopping, const std::string& me) {
    if (!options.schedule) return;
    thread_ = std::thread([&, me] {
      while (!done_ && !stopping) {
        try {
          RunSchedule(
              session, options, metrics, [&] { return done_ || stopping; }, me);
          return;  // stopped, or the session ended: the next session starts again
        } catch (const std::exception& e) {
          spdlog::error("the backup schedule stopped: {}; starting it again", e.what());
          std::this_thread::sleep_for(std::chrono::seconds(1));
        }
      }
    });
  }
  ~Scheduled() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  Scheduled(const Scheduled&) = delete;
  Scheduled& operator=(const Scheduled&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {
  CheckExposure(options_);
  if (!options_.backup_location.empty()) CheckLocation(options_.backup_location, false);
  if (!options_.backup_interval.empty()) {
    if (options_.backup_location.empty()) {
      throw Error("--backup_interval needs --backup_location", ErrorKind::kInvalidInput);
    }
    scheduled_.backup.zk = options_.zk;
    scheduled_.backup.timeouts = options_.timeouts;
    scheduled_.backup.backup_location = options_.backup_location;
    scheduled_.schedule = Schedule::Every(ParseDuration(options_.backup_interval));
    scheduled_.retention = options_.backup_retention;
    scheduled_.listen = "";
  }
}

void Server::Stop() { stopping_ = true; }

void Server::Run() {
  Metrics metrics;
  while (!ServeSession(metrics) && !stopping_) {
    spdlog::warn("the term and the candidacy ended with the session; rejoining with a new one");
  }
}

// A ZooKeeper session that expired, or whose connection was lost under a
// call of the main loop, ends with everything that depends on it (the HTTP
// handlers use it too); Run starts them all again with a new session.
bool Server::ServeSession(Metrics& metrics) try {
  const std::string me = options_.hostname + ":" + std::to_string(options_.http_port);
  zk::ZkSession session(options_.zk, options_.timeouts);
  const std::string state = options_.zk.state_path();
  session.EnsureContainers(state);
  LeaderElection election(session, options_.zk.leader_path(), me);
  Term term(session, election, me, stopping_);
  LeaderProxy proxy(election, me, [&term] { return term.fence(); });
  LeaderResource leader_resource(session, options_.zk.path, election, proxy, term);
  AppRepository apps(session, state);
  AppResource app_resource(apps, proxy, static_cast<size_t>(options_.http_max_json_depth));
  httplib::Server http;
  Configure(http, options_);
  ServeStatus(http, metrics, term, scheduled_.schedule ? &agent_metrics_ : nullptr);
  // --backup_interval: the backup agents' election and schedule, on this
  // session, beside the terms (one scheduler among agents and servers).
  Scheduled scheduled(session, scheduled_, agent_metrics_, stopping_, me);
  leader_resource.Register(http);
  app_resource.Register(http);
  Listener listener(http, options_.hostname, options_.http_port);
  spdlog::info("serving on {}, candidate under {}", me, options_.zk.leader_path());
  Takeover takeover(options_, metrics);
  return RunTerms(session, election, term, takeover, stopping_,
                  std::chrono::milliseconds(options_.abdicate_delay_ms));
} catch (const zk::ConnectionLost& e) {
  spdlog::warn("{}", e.what());
  return false;
}

}  // namespace baton::server
