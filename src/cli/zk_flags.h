// The ZooKeeper flags every subcommand shares, with Marathon's names and
// defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "baton/zk_url.h"

namespace baton::cli {

struct ZkFlags {
  // Parsed when the command runs (url()), so that a bad URL is an error of
  // the command (exit 1) rather than a usage error.
  std::string zk = "zk://localhost:2181/marathon";

  // --zk, and --zk_timeout and --zk_session_timeout bound to `timeouts`.
  void AddTo(CLI::App& app, ZkTimeouts& timeouts) {
    app.add_option("--zk", zk, "ZooKeeper URL: zk://[user:password@]host:port[,host:port...]/path")
        ->capture_default_str();
    AddTimeoutsTo(app, timeouts);
  }

  // --zk_timeout and --zk_session_timeout alone (baton copy names two
  // ensembles otherwise).
  static void AddTimeoutsTo(CLI::App& app, ZkTimeouts& timeouts) {
    app.add_option("--zk_timeout", timeouts.connect_ms,
                   "Milliseconds to wait for a ZooKeeper connection")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--zk_session_timeout", timeouts.session_ms,
                   "ZooKeeper session timeout in milliseconds")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  }

  ZkUrl url() const { return ZkUrl::Parse(zk); }
};

}  // namespace baton::cli
