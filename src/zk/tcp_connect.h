// Plain TCP to the servers of a ZooKeeper connect string, for Baton's own
// wire session (zk/wire/wire_session.h) and the probes that explain a
// failed connection (zk/tls_probe.h).
//
// Thread safety: free functions, nothing shared.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace baton::zk {

// The servers of a connect string: "h1:p1,h2:p2" -> {"h1:p1", "h2:p2"}.
std::vector<std::string> ServersOf(const std::string& hosts);

// A connected, non-blocking, close-on-exec socket to `server` ("host:port",
// "[v6]:port"; every address it resolves to is tried), or -1 when none
// connects before `deadline`. Throws baton::Error (kInterrupted) on
// SIGINT/SIGTERM.
int ConnectTcp(const std::string& server, std::chrono::steady_clock::time_point deadline);

}  // namespace baton::zk
