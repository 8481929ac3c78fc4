// The ZooKeeper flags every subcommand shares, with Marathon's names and
// defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "baton/zk_url.h"

namespace baton::cli {

struct ZkFlags {
  std::string zk = "zk://localhost:2181/marathon";
  int zk_timeout_ms = 10000;
  int zk_session_timeout_ms = 10000;

  void AddTo(CLI::App& app) {
    app.add_option("--zk", zk, "ZooKeeper URL: zk://[user:password@]host:port[,host:port...]/path")
        ->capture_default_str();
    app.add_option("--zk_timeout", zk_timeout_ms, "Milliseconds to wait for a ZooKeeper connection")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--zk_session_timeout", zk_session_timeout_ms,
                   "ZooKeeper session timeout in milliseconds")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  }

  ZkUrl url() const { return ZkUrl::Parse(zk); }
  ZkTimeouts timeouts() const { return ZkTimeouts{zk_timeout_ms, zk_session_timeout_ms}; }
};

}  // namespace baton::cli
