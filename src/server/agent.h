// baton agent: scheduled backups, taken by one agent at a time. Any number
// of agents may run on one path; they elect a leader among Baton's control
// nodes (<control>/baton-agent, never under Marathon's leader nodes), and
// only the leader backs up, at the times its schedule says plus jitter. The
// time of the last backup lives in ZooKeeper (<control>/baton-agent-state,
// written fenced on the leader's election node), so a new leader goes on
// with the schedule where the last one left it. A run while a restore holds
// the path is skipped and said so; a failed run is retried a few times
// before the next slot; after a successful one the retention policy prunes
// the location's directory or prefix (backups of this path only).
// GET /metrics (Prometheus text) and /ping on --listen.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "baton/backup.h"
#include "baton/prune.h"
#include "server/agent_metrics.h"
#include "server/schedule.h"
#include "zk/zk_session.h"

namespace baton::server {

struct AgentOptions {
  // What each backup reads and where it goes; backup_location should hold
  // {timestamp} in its name so that each run keeps a file of its own.
  BackupOptions backup;
  // When: Schedule::Every or Schedule::Cron. Required.
  std::optional<Schedule> schedule;
  // Each run starts up to this share of the schedule's period late, at
  // random, so that agents of many clusters do not all hit one store at once.
  double jitter = 0.1;
  // Applied after each successful backup; empty: nothing is deleted.
  RetentionPolicy retention = {};
  // host:port of /metrics and /ping; empty: no HTTP.
  std::string listen = "127.0.0.1:9571";
  // Run with /bin/sh -c after a failed run, with BATON_ERROR, BATON_COMMAND
  // and BATON_LOCATION (secrets redacted) in its environment.
  std::string on_failure;
  // A failed run is tried again this many times, a retry_delay apart, before
  // the next slot.
  int retries = 3;
  std::chrono::seconds retry_delay{30};
};

class Agent {
 public:
  explicit Agent(AgentOptions options);
  // Runs until Stop() or SIGINT/SIGTERM (util/interrupt.h); throws
  // baton::Error when it cannot start, kInterrupted when a signal cut a
  // running backup short.
  void Run();
  void Stop() { stopping_ = true; }

 private:
  bool Stopping() const;
  bool RunSession();

  AgentOptions options_;
  AgentMetrics metrics_;
  std::atomic<bool> stopping_{false};
};

// The agents' election and schedule on `session` (baton agent's own, or
// baton serve's with --backup_interval, which so joins the same election):
// true once `stopping()`, false when the session ended. `me` names this
// candidate. Thread safety: its own thread; `metrics` is read by others.
bool RunSchedule(zk::ZkSession& session, const AgentOptions& options, AgentMetrics& metrics,
                 const std::function<bool()>& stopping, const std::string& me);

// Runs `command` with /bin/sh -c, `error` and the others in its environment;
// waits for it, logs how it ended.
void RunFailureHook(const std::string& command, const std::string& what, const std::string& error,
                    const std::string& location);

}  // namespace baton::server
