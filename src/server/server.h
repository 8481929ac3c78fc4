// baton serve: joins the leader election under <zk path>/leader and serves
// Marathon's leader endpoint. On taking leadership it first does what the
// previous leader was asked to leave for it (the runtime configuration's
// backup and restore), then migrates the storage (backing up to
// --backup_location first when there is something to migrate), and only then
// serves as leader.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "baton/prune.h"
#include "baton/restore.h"
#include "baton/zk_url.h"
#include "server/agent.h"
#include "server/agent_metrics.h"

namespace baton::server {

class Metrics;

struct ServerOptions {
  ZkUrl zk;
  ZkTimeouts timeouts;
  std::string hostname = "127.0.0.1";  // where to listen, and the address announced
  int http_port = 8080;
  // Without http_credentials only a loopback hostname is served, unless this.
  bool insecure_http = false;
  size_t http_max_body_bytes = 1 << 20;  // larger request bodies get 413
  int http_max_json_depth = 64;          // JSON bodies nested deeper get 400
  std::string backup_location;           // optional
  // Scheduled backups to backup_location, this often ("1h"): the server
  // joins the backup agents' election (server/agent.h), so one of all the
  // agents and servers on the path takes them. Empty: none.
  std::string backup_interval;
  RetentionPolicy backup_retention = {};  // after each scheduled backup
  std::string http_credentials;           // "user:password": basic auth on every endpoint
  std::string safety_backup_dir = kDefaultSafetyBackupDir;  // for restores through /v2/leader
  int abdicate_delay_ms = 500;
};

class Server {
 public:
  // Checks the options: throws baton::Error (invalid input) before anything
  // starts, so that a wrong flag ends the process while it is one thread.
  explicit Server(ServerOptions options);
  // Serves until Stop() (or SIGTERM through the CLI). Throws baton::Error when
  // it cannot start.
  void Run();
  void Stop();

 private:
  // Serves with one ZooKeeper session: true when stopped, false when the
  // session expired (which ended the term and the candidacy).
  bool ServeSession(Metrics& metrics);

  ServerOptions options_;
  AgentOptions scheduled_;  // with a schedule when --backup_interval
  AgentMetrics agent_metrics_;
  std::atomic<bool> stopping_{false};
};

}  // namespace baton::server
