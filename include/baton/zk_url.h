// The ZooKeeper connection URL Marathon takes with --zk:
//   zk://[user:password@]host1:port1,host2:port2,.../path
#pragma once

#include <string>

namespace baton {

struct ZkUrl {
  std::string hosts;     // "host1:port1,host2:port2", as zookeeper_init takes it
  std::string path;      // the service root, e.g. "/marathon"; never ends in '/'
  std::string user;      // digest auth user, empty when none
  std::string password;  // digest auth password

  bool has_credentials() const { return !user.empty(); }
  std::string state_path() const { return path + "/state"; }
  std::string leader_path() const { return path + "/leader"; }

  // Throws baton::Error (kInvalidInput) naming what is wrong (never the
  // password).
  static ZkUrl Parse(const std::string& text);
  // The URL with the password replaced by "***", safe for logs.
  std::string Redacted() const;
};

// Timeouts in milliseconds, as Marathon's --zk_timeout and --zk_session_timeout
// (the defaults are Marathon's too).
struct ZkTimeouts {
  int connect_ms = 10000;  // waiting for a connection to the ensemble
  int session_ms = 10000;  // the session timeout asked of the servers
};

}  // namespace baton
