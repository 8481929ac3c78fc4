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
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/backup.h"
#include "baton/error.h"
#include "baton/restore.h"
#include "baton/storage.h"
#include "layout/marathon/runtime_configuration.h"
#include "operations/owned_restore.h"
#include "operations/ownership.h"
#include "operations/restore_marker.h"
#include "server/app_migrations.h"
#include "server/app_repository.h"
#include "server/app_resource.h"
#include "server/leader_election.h"
#include "server/leader_proxy.h"
#include "server/metrics.h"
#include "storage/backup_location.h"
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
        Reply(res, 413,
              {{"message", "The body is larger than " + std::to_string(max_bytes) +
                               " bytes (see --http_max_body_bytes)"}});
        return httplib::Server::HandlerResponse::Handled;
      }));
}

// Binds the listening socket. cpp-httplib's default socket options set
// SO_REUSEPORT, with which a second server on the same port starts too and
// the two answer in turn; SO_REUSEADDR alone refuses a port in use.
void Listen(httplib::Server& http, const std::string& host, int port) {
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  errno = 0;
  if (http.bind_to_port(host, port)) return;
  const int err = errno;
  const std::string where = "cannot listen on " + host + ":" + std::to_string(port);
  if (err == EADDRINUSE) {
    throw Error(where + ": port " + std::to_string(port) +
                " is already in use (another baton serve?)");
  }
  throw Error(where + (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
}

// The locations a DELETE /v2/leader names, checked, with {timestamp} filled
// in once, so that the log names the very file the next leader writes; and
// the plan for the log (secrets redacted). Throws baton::Error (400).
std::pair<marathon::RuntimeConfiguration, std::string> PlanHandover(const httplib::Request& req) {
  const auto now = std::chrono::system_clock::now();
  marathon::RuntimeConfiguration config;
  std::string plan;
  for (auto [name, field] :
       {std::pair{"backup", &config.backup}, std::pair{"restore", &config.restore}}) {
    if (!req.has_param(name)) continue;
    std::string uri = req.get_param_value(name);
    try {
      CheckLocation(uri, *name == 'r');
      uri = storage::ExpandTimePlaceholder(uri, now);
      plan += std::string(plan.empty() ? "" : ", ") + name + " " + OpenStorage(uri)->Describe();
    } catch (const Error& e) {
      throw Error(std::string("Invalid ") + name + " URI: " + e.what(), ErrorKind::kInvalidInput);
    }
    *field = uri;
  }
  return {config, plan};
}

// One handover per term: kIdle -> kClaimed (a request is storing its
// runtime configuration) -> kStored (the leader leaves shortly) -> kIdle.
enum Handover : int { kIdle, kClaimed, kStored };

// Stores `config` for the next leader, unless a handover is under way in
// this process or in ZooKeeper (409), or the term ended (503).
void AnswerHandover(zk::ZkSession& session, const std::string& zk_path, const std::string& fence,
                    std::atomic<int>& handover, const marathon::RuntimeConfiguration& config,
                    httplib::Response& res) {
  int idle = kIdle;
  if (!handover.compare_exchange_strong(idle, kClaimed)) {
    return Reply(res, 409, {{"message", "Leadership is already being handed over"}});
  }
  using Proposal = marathon::RuntimeConfiguration::Proposal;
  Proposal outcome = Proposal::kNotLeader;
  try {
    outcome = config.Propose(session, zk_path, fence);
  } catch (...) {
    handover = kIdle;
    throw;
  }
  handover = outcome == Proposal::kStored ? kStored : kIdle;
  if (outcome == Proposal::kPending) {
    return Reply(res, 409,
                 {{"message",
                   "Leadership is already being handed over (a runtime configuration "
                   "is pending)"}});
  }
  if (outcome == Proposal::kNotLeader) {
    res.set_header("Retry-After", "1");
    return Reply(res, 503, {{"message", "Leadership was lost during the request; retry"}});
  }
  Reply(res, 200, {{"message", "Leadership abdicated"}});
}

// An expired session (or refused credentials) ends everything that hung on
// it: the term, the candidacy, the election node. Only a new session helps.
bool SessionEnded(const zk::ZkSession& session) {
  const int state = zoo_state(session.handle());
  return state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE;
}

// Takes the lock on the state for a new term; waits while another owner
// (an operator's restore or recover) holds it. nullptr when leadership, the
// session or the server ends first.
std::unique_ptr<zk::ExclusiveLock> OwnState(zk::ZkSession& session, LeaderElection& election,
                                            const std::string& me,
                                            const std::atomic<bool>& stopping) {
  return zk::ExclusiveLock::Acquire(
      session, operations::LockDir(session.url().path), "baton serve leader " + me,
      [&] {
        return !stopping && !SessionEnded(session) &&
               election.WaitForLeadership(std::chrono::milliseconds(0));
      },
      [](const zk::LockOwner& holder) {
        spdlog::warn("waiting for {} to finish before serving as leader (503 until then)",
                     holder.Describe());
      });
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

void Server::Stop() { stopping_ = true; }

void Server::Run() {
  CheckExposure(options_);
  if (!options_.backup_location.empty()) CheckLocation(options_.backup_location, false);
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

  // The current term: while this instance serves as leader, the path of its
  // lock node (store/ownership.h), which every write of the term checks.
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
  std::atomic<int> handover{kIdle};

  LeaderProxy proxy(election, me, term);
  AppRepository apps(session, state);
  AppResource app_resource(apps, proxy, static_cast<size_t>(options_.http_max_json_depth));
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
    std::optional<std::string> term_fence = proxy.Route(req, res);
    if (!term_fence) return;
    marathon::RuntimeConfiguration config;
    std::string plan;
    try {
      std::tie(config, plan) = PlanHandover(req);
    } catch (const Error& e) {
      return Reply(res, 400, {{"message", e.what()}});
    }
    // Not queued behind a running job: whoever asked decides again later.
    if (auto running = operations::RunningJob(session, options_.zk.path)) {
      return Reply(res, 409, {{"message", *running + " is running; ask again when it is done"}});
    }
    AnswerHandover(session, options_.zk.path, *term_fence, handover, config, res);
    if (res.status == 200) {
      spdlog::info("leader endpoint: abdicating{}{}", plan.empty() ? "" : "; the next leader will ",
                   plan);
    }
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
  LimitBodies(http, options_.http_max_body_bytes);
  Listen(http, options_.hostname, options_.http_port);
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

  std::unique_ptr<zk::ExclusiveLock> term_lock;  // held while a term runs
  election.Join();
  while (!stopping_) {
    if (SessionEnded(session)) {
      set_term("");
      spdlog::warn("the ZooKeeper session expired or was refused; this term ended");
      return false;
    }
    if (!election.WaitForLeadership(std::chrono::milliseconds(200))) {
      set_term("");  // lost or never had it: a new term starts with a takeover
      term_lock.reset();
      continue;
    }
    if (!term()) {
      // The term owns the state: it waits (answering 503) while an operator's
      // restore or recover holds the lock, and holds it until the term ends.
      term_lock = OwnState(session, election, me, stopping_);
      if (!term_lock) continue;
      const operations::Owner owner{session, *term_lock, /*resumable=*/false};
      RestoreOptions restore_options;
      restore_options.zk = options_.zk;
      restore_options.timeouts = options_.timeouts;
      restore_options.force = true;  // this server leads, and restores before it serves
      restore_options.safety_backup_dir = options_.safety_backup_dir;
      try {
        // A restore that died half-way is rolled back before anything else.
        if (operations::RecoverAsOwner(restore_options, owner)) {
          spdlog::warn("rolled back an interrupted restore before taking over");
        }
        // Then what the previous leader left for us, then migrate.
        marathon::RuntimeConfiguration config =
            marathon::RuntimeConfiguration::Take(session, options_.zk.path);
        if (config.backup) {
          metrics.Record(metrics.backup, [&] {
            return Backup({options_.zk, options_.timeouts, *config.backup}).bytes;
          });
        }
        if (config.restore) {
          metrics.Record(metrics.restore, [&] {
            restore_options.backup_location = *config.restore;
            std::unique_ptr<StorageProvider> storage = OpenStorage(*config.restore);
            return operations::RestoreAsOwner(restore_options, *storage, owner).bytes;
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
        set_term(term_lock->fence());
        spdlog::info("serving as leader");
      } catch (const Error& e) {
        // A failed takeover is not served: give up leadership and let the
        // next candidate (maybe this one again) take over without it.
        spdlog::error("taking over leadership failed: {}; abdicating", e.what());
        term_lock.reset();
        if (SessionEnded(session)) return false;  // a new session rejoins
        election.Leave();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        election.Join();
        continue;
      }
    }
    if (handover != kStored) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.abdicate_delay_ms));
    set_term("");
    term_lock.reset();
    election.Leave();
    handover = kIdle;  // the next term's: requests of this one now fail their fence check
    spdlog::info("abdicated; rejoining the election");
    election.Join();
  }
  election.Leave();
  return true;
} catch (const zk::ConnectionLost& e) {
  spdlog::warn("{}", e.what());
  return false;
}

}  // namespace baton::server
