#include "server/agent.h"

#include <httplib.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "baton/error.h"
#include "layout/layout.h"
#include "server/http_listener.h"
#include "server/leader_election.h"
#include "storage/backup_location.h"
#include "storage/backup_store.h"
#include "util/host_name.h"
#include "util/interrupt.h"
#include "util/time_text.h"
#include "zk/multi_op.h"
#include "zk/watch.h"
#include "zk/zk_session.h"

extern char** environ;

namespace baton::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Beside Baton's other control nodes (operations/ownership.h), never under
// Marathon's leader nodes.
constexpr char kElection[] = "/baton-agent";
constexpr char kState[] = "/baton-agent-state";

double UnixSeconds(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// What the leading agent keeps in ZooKeeper for the next one.
struct AgentState {
  std::optional<Clock::time_point> last_success;
  std::string schedule;  // the leader's, for the others to compare with theirs
};

AgentState ReadState(zk::ZkSession& session, const std::string& path) {
  AgentState state;
  std::optional<std::string> data = session.Get(path);
  json j = json::parse(data.value_or(""), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return state;  // none yet, or not ours: start afresh
  if (j.contains("last_success") && j["last_success"].is_number()) {
    state.last_success = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(j["last_success"].get<double>())));
  }
  if (j.contains("schedule") && j["schedule"].is_string()) state.schedule = j["schedule"];
  return state;
}

// Written only while `fence` (the leader's election node) exists: an agent
// that lost the lead writes nothing.
void WriteState(zk::ZkSession& session, const std::string& path, const AgentState& state,
                const std::string& fence) {
  json j = {{"schedule", state.schedule}};
  if (state.last_success) {
    j["last_success"] = UnixSeconds(*state.last_success);
    j["last_success_utc"] = util::UtcText(*state.last_success);
  }
  zk::MultiOp op;
  op.Fence(fence);
  if (session.Exists(path)) {
    op.Set(path, j.dump());
  } else {
    op.Create(path, j.dump(), 0, session.StructureAcl(path));
  }
  op.Run(session);
}

// The directory or prefix the location's backups land in, for retention;
// empty for a stream.
std::string PrefixOf(const std::string& location) {
  std::unique_ptr<storage::BackupStore> store =
      storage::StoreOf(storage::ExpandTimePlaceholder(location, Clock::now()));
  return store ? store->LocationOf("") : "";
}

std::pair<std::string, int> HostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw Error("--listen " + listen + ": give host:port, e.g. 127.0.0.1:9571",
                ErrorKind::kInvalidInput);
  }
  std::string host = listen.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 1 || port > 65535) {
    throw Error("--listen " + listen + ": the port must be 1-65535", ErrorKind::kInvalidInput);
  }
  return {host, port};
}

// One leader's runs: when the next is due, and what each did.
class Runs {
 public:
  Runs(const AgentOptions& options, AgentMetrics& metrics, zk::ZkSession& session,
       const std::string& state_path, const std::string& fence)
      : options_(options),
        metrics_(metrics),
        session_(session),
        state_path_(state_path),
        fence_(fence),
        random_(std::random_device{}()) {}

  // A new term: goes on from the last success any leader recorded.
  void Begin() {
    AgentState state = ReadState(session_, state_path_);
    last_success_ = state.last_success;
    const Clock::time_point now = Clock::now();
    slot_ = last_success_ ? schedule().Next(*last_success_).value_or(now) : now;
    // No backup yet, or a slot missed while no one led: it runs now.
    due_ = slot_ <= now ? now : Jittered(slot_);
    if (slot_ < now) slot_ = now;
    spdlog::info("leading the backup agents: {}; next backup at {}", schedule().text(),
                 util::UtcText(due_));
    Record();
  }

  Clock::time_point due() const { return due_; }

  // A wall clock set back would hold the next run back as long: a run due
  // later than one period (and its jitter) from now is planned again.
  void CheckClock() {
    const Clock::time_point now = Clock::now();
    const auto period = schedule().Period(now);
    if (due_ - now <= period + period / 2 + std::chrono::seconds(1)) return;
    spdlog::warn(
        "the next backup was due at {}, more than a period away: the clock was set "
        "back; planning from now",
        util::UtcText(due_));
    slot_ = now;
    Advance();
  }

  // Takes the backup that is due. Throws zk::LockLost when leadership went
  // while it recorded the run, ConnectionLost when the session did.
  void Run() {
    const Clock::time_point started = Clock::now();
    const auto steady = std::chrono::steady_clock::now();
    BackupStats stats;
    try {
      stats = Backup(options_.backup);
    } catch (const Error& e) {
      metrics_.last_duration = Seconds(steady);
      if (e.kind() == ErrorKind::kInterrupted) throw;
      return Failed(e);
    } catch (const std::exception& e) {
      metrics_.last_duration = Seconds(steady);
      return Failed(Error(e.what()));
    }
    metrics_.last_duration = Seconds(steady);
    metrics_.success++;
    metrics_.last_success = UnixSeconds(started);
    metrics_.last_bytes = stats.bytes;
    metrics_.last_entries = stats.items + stats.versions;
    last_success_ = started;
    failures_ = 0;
    Advance();
    Retain(stats.location);
    Record();
  }

 private:
  const server::Schedule& schedule() const { return *options_.schedule; }

  static double Seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  }

  // To the next slot of the schedule, counted from the last slot (not from
  // when its run started, which jitter and the run itself delay: planning
  // from there would drift). A slot already past runs now.
  void Advance() {
    const Clock::time_point now = Clock::now();
    slot_ = schedule().Next(slot_).value_or(now + std::chrono::hours(24));
    if (slot_ < now) slot_ = now;
    due_ = Jittered(slot_);
  }

  Clock::time_point Jittered(Clock::time_point slot) {
    const double most = options_.jitter * static_cast<double>(schedule().Period(slot).count());
    const double jitter = std::uniform_real_distribution<double>(0, std::max(most, 0.0))(random_);
    return slot +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(jitter));
  }

  void Failed(const Error& e) {
    if (e.kind() == ErrorKind::kRefused) {  // a restore holds the path: not a failure
      metrics_.skipped++;
      spdlog::warn("skipped the scheduled backup: {}", e.what());
      return Advance();
    }
    metrics_.failure++;
    const std::string where = options_.backup.backup_location;
    spdlog::error("the scheduled backup failed: {}", e.what());
    if (!options_.on_failure.empty()) {
      RunFailureHook(options_.on_failure, "agent", e.what(),
                     storage::BackupLocation::Parse(where).Redacted());
    }
    if (++failures_ <= options_.retries) {
      due_ = Clock::now() + options_.retry_delay;
      spdlog::info("retrying at {} (retry {} of {})", util::UtcText(due_), failures_,
                   options_.retries);
      return;
    }
    failures_ = 0;
    Advance();
    spdlog::info("next backup at {}", util::UtcText(due_));
  }

  // Tells the next leader where the schedule stands, and the others which
  // schedule is in force.
  void Record() { WriteState(session_, state_path_, {last_success_, schedule().text()}, fence_); }

  // After a success: the policy over this source's backups. Its failure is
  // logged; the backup stands.
  void Retain(const std::string& location) {
    if (options_.retention.empty()) return;
    try {
      const std::string prefix = PrefixOf(options_.backup.backup_location);
      if (prefix.empty()) return;
      PruneResult result = Prune({.prefix = prefix,
                                  .policy = options_.retention,
                                  .source_hosts = options_.backup.zk.hosts,
                                  .source_path = options_.backup.zk.path});
      metrics_.kept = result.decisions.size() - result.deleted;
    } catch (const std::exception& e) {
      spdlog::error("retention after the backup to {} failed: {}", location, e.what());
    }
  }

  const AgentOptions& options_;
  AgentMetrics& metrics_;
  zk::ZkSession& session_;
  std::string state_path_, fence_;
  std::mt19937_64 random_;
  std::optional<Clock::time_point> last_success_;
  Clock::time_point slot_, due_;
  int failures_ = 0;
};

// Says, on standing by, whether another agent leads with another schedule.
void TellWhoLeads(zk::ZkSession& session, const std::string& state_path,
                  const AgentOptions& options) {
  const std::string theirs = ReadState(session, state_path).schedule;
  if (!theirs.empty() && theirs != options.schedule->text()) {
    spdlog::warn("another agent leads with {}; this one ({}) only takes over if it goes", theirs,
                 options.schedule->text());
  } else {
    spdlog::info("standing by: another agent leads the backups");
  }
}

}  // namespace

void RunFailureHook(const std::string& command, const std::string& what, const std::string& error,
                    const std::string& location) {
  std::vector<std::string> env_text = {"BATON_ERROR=" + error, "BATON_COMMAND=" + what,
                                       "BATON_LOCATION=" + location};
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), env.data()) !=
      0) {
    spdlog::error("could not run --on_failure: {}", std::strerror(errno));
    return;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    spdlog::warn("--on_failure exited with status {}",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
}

Agent::Agent(AgentOptions options) : options_(std::move(options)) {}

bool Agent::Stopping() const { return stopping_ || util::Interrupted(); }

void Agent::Run() {
  if (!options_.schedule) throw Error("give --interval or --schedule", ErrorKind::kInvalidInput);
  if (options_.jitter < 0 || options_.jitter > 1) {
    throw Error("--jitter is a share of the period, 0-1", ErrorKind::kInvalidInput);
  }
  layout::Named(options_.backup.layout);  // refuses an unknown one before anything runs
  if (!options_.retention.empty() && PrefixOf(options_.backup.backup_location).empty()) {
    throw Error("retention needs a file or S3 location, not a stream", ErrorKind::kInvalidInput);
  }
  httplib::Server http;
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.Text(), "text/plain; version=0.0.4");
  });
  http.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong", "text/plain");
  });
  std::optional<Listener> listener;
  if (!options_.listen.empty()) {
    auto [host, port] = HostPort(options_.listen);
    listener.emplace(http, host, port);
    spdlog::info("metrics on http://{}/metrics", options_.listen);
  }
  while (!Stopping()) {
    try {
      if (RunSession()) return;
      spdlog::warn("the ZooKeeper session ended; joining the agents again with a new one");
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInterrupted) throw;
      // ZooKeeper unreachable, a write refused: the agent outlives it.
      spdlog::error("{}; trying again in 5 s", e.what());
      util::SleepInterruptibly(std::chrono::seconds(5));
    }
  }
}

// One ZooKeeper session: true when stopped, false when the session ended.
bool Agent::RunSession() {
  zk::ZkSession session(options_.backup.zk, options_.backup.timeouts);
  const std::string me = util::HostName() + " pid " + std::to_string(getpid()) +
                         (options_.listen.empty() ? "" : " " + options_.listen);
  return RunSchedule(
      session, options_, metrics_, [this] { return Stopping(); }, me);
}

bool RunSchedule(zk::ZkSession& session, const AgentOptions& options, AgentMetrics& metrics,
                 const std::function<bool()>& stopping, const std::string& me) try {
  const layout::Scope scope = layout::Named(options.backup.layout).ScopeOf(options.backup.zk);
  session.ShareStructureUnder(scope.control_family);
  LeaderElection election(session, scope.control + kElection, me);
  election.Join();
  const std::string state_path = scope.control + kState;
  std::optional<Runs> runs;
  bool told = false;
  while (!stopping()) {
    if (zk::SessionEnded(session)) return false;
    if (!election.WaitForLeadership(200ms)) {
      if (runs) spdlog::info("no longer leading the backup agents");
      runs.reset();
      metrics.leader = false;
      metrics.next_run = 0;
      if (!told) {  // which schedule is in force, once
        TellWhoLeads(session, state_path, options);
        told = true;
      }
      continue;
    }
    try {
      if (!runs) {
        runs.emplace(options, metrics, session, state_path, election.NodePath());
        metrics.leader = true;
        told = false;
        runs->Begin();
      }
      runs->CheckClock();
      metrics.next_run = UnixSeconds(runs->due());
      if (Clock::now() < runs->due()) {
        std::this_thread::sleep_for(std::min<Clock::duration>(200ms, runs->due() - Clock::now()));
        continue;
      }
      runs->Run();
    } catch (const zk::LockLost& e) {
      // Its election node is gone: another leads now, or will.
      spdlog::warn("no longer leading the backups: {}", e.what());
      runs.reset();
      metrics.leader = false;
    }
  }
  election.Leave();
  return true;
} catch (const zk::ConnectionLost& e) {
  spdlog::warn("{}", e.what());
  return false;
}

}  // namespace baton::server
