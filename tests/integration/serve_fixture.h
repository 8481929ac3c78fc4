// The fixture of the `baton serve` tests: server processes on free loopback
// ports, driven over HTTP, against the real ZooKeeper.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {

// The content type of every JSON request body.
inline constexpr char kJson[] = "application/json";

using namespace std::chrono_literals;

inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A loopback connection to `port`, its handshake left to the kernel.
inline int ConnectNonBlocking(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // EINPROGRESS
  return fd;
}

// How many of `fds` finish their handshake within `wait`.
inline int CountConnected(const std::vector<int>& fds, std::chrono::milliseconds wait) {
  std::vector<pollfd> pending;
  for (int fd : fds) pending.push_back({fd, POLLOUT, 0});
  int connected = 0;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
    if (poll(pending.data(), pending.size(), 50) <= 0) continue;
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->revents == 0) {
        ++it;
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(it->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      connected += (it->revents & POLLOUT) && err == 0 ? 1 : 0;
      it = pending.erase(it);
    }
  }
  return connected;
}

// Sends GET /ping on a connected socket; whether "pong" comes back within 10 s.
inline bool PingOn(int fd) {
  const std::string request = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
    return false;
  }
  std::string reply;
  char buf[512];
  for (int i = 0; i < 16 && reply.find("pong") == std::string::npos; ++i) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply.find("pong") != std::string::npos;
}

// Marathon's storage version (1.10.100) is newer than what baton serve knows,
// so these trees carry none: the server stores its own on taking over.
inline TreeShape Shape() {
  TreeShape shape;
  shape.storage_version = false;
  return shape;
}

// The app state without what the server itself keeps: its storage version
// and the runtime configuration.
inline Snapshot AppState(Snapshot s) {
  s.erase("/internal:storage:version");
  for (auto it = s.begin(); it != s.end();) {
    it = it->first.starts_with("/runtime-configuration") ? s.erase(it) : std::next(it);
  }
  return s;
}

class ServeTest : public ZkTest {
 protected:
  void TearDown() override {
    for (auto& s : servers_) Kill(s, SIGKILL);
    ZkTest::TearDown();
  }

  struct Instance {
    pid_t pid = -1;
    int port = 0;
    std::string log;
  };

  Instance& Start(const std::vector<std::string>& extra = {}) {
    Instance s;
    s.port = FreePort();
    s.log = dir_ + "/serve-" + std::to_string(s.port) + ".log";
    std::vector<std::string> args{"serve",
                                  "--zk",
                                  zk_url_,
                                  "--http_port",
                                  std::to_string(s.port),
                                  "--zk_session_timeout",
                                  std::to_string(session_timeout_ms_)};
    args.insert(args.end(), extra.begin(), extra.end());
    s.pid = StartBaton(args, s.log);
    servers_.push_back(s);
    // Up once it answers /ping (with 401 when it wants credentials).
    for (int i = 0; i < 100; ++i) {
      if (httplib::Client("127.0.0.1", s.port).Get("/ping")) break;
      std::this_thread::sleep_for(100ms);
    }
    return servers_.back();
  }

  static void Kill(Instance& s, int sig) {
    if (s.pid <= 0) return;
    kill(s.pid, sig);
    waitpid(s.pid, nullptr, 0);
    s.pid = -1;
  }

  std::string Leader(const Instance& s) {
    auto r = httplib::Client("127.0.0.1", s.port).Get("/v2/leader");
    if (!r || r->status != 200) return "";
    return nlohmann::json::parse(r->body)["leader"];
  }

  // Waits until `s` reports a leader other than `not_this` (empty: any).
  std::string AwaitLeader(const Instance& s, const std::string& not_this = "",
                          std::chrono::seconds limit = 15s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string leader = Leader(s);
      if (!leader.empty() && leader != not_this) return leader;
      std::this_thread::sleep_for(100ms);
    }
    return "";
  }

  // Waits until the server on `port` says it is leader and serving (its
  // /metrics report baton_leader 1).
  bool AwaitServing(int port, std::chrono::seconds limit = 15s, const std::string& user = "",
                    const std::string& password = "") {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client c("127.0.0.1", port);
      if (!user.empty()) c.set_basic_auth(user.c_str(), password.c_str());
      auto r = c.Get("/metrics");
      if (r && r->body.find("baton_leader 1") != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // Waits until the /metrics of the server on `port` contain `line`.
  bool AwaitMetric(int port, const std::string& line, std::chrono::seconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = httplib::Client("127.0.0.1", port).Get("/metrics");
      if (r && r->body.find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // The log of server `i` so far.
  std::string Log(size_t i) {
    std::ifstream log(servers_[i].log);
    return std::string(std::istreambuf_iterator<char>(log), {});
  }

  std::vector<Instance> servers_;
  int session_timeout_ms_ = 4000;  // for the servers Start() starts
};

inline std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

using nlohmann::json;

inline json Body(const httplib::Result& r) { return r ? json::parse(r->body) : json(); }

// Percent-encodes a query parameter value (a location with its own query).
inline std::string Encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace baton::testing
