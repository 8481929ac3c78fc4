#include "zk/tcp_connect.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

#include "util/interrupt.h"

namespace baton::zk {
namespace {

using Clock = std::chrono::steady_clock;

// "host:port" or "[v6]:port" (as ZkUrl keeps them).
std::pair<std::string, std::string> SplitHostPort(const std::string& server) {
  size_t colon = server.rfind(':');
  if (colon == std::string::npos) return {server, "2181"};
  std::string host = server.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, server.substr(colon + 1)};
}

// Waits for a non-blocking connect() to finish; whether it succeeded. Wakes
// every kInterruptPoll to notice an interruption.
bool WaitConnected(int fd, Clock::time_point deadline) {
  for (;;) {
    util::ThrowIfInterrupted();
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{fd, POLLOUT, 0};
    int ready =
        poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left, util::kInterruptPoll.count())));
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0) {
      int error = 0;
      socklen_t size = sizeof error;
      return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
    }
  }
}

}  // namespace

std::vector<std::string> ServersOf(const std::string& hosts) {
  std::vector<std::string> servers;
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t comma = std::min(hosts.find(',', start), hosts.size());
    if (comma > start) servers.push_back(hosts.substr(start, comma - start));
    start = comma + 1;
  }
  return servers;
}

int ConnectTcp(const std::string& server, Clock::time_point deadline) {
  auto [host, port] = SplitHostPort(server);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(found, &freeaddrinfo);
  for (addrinfo* at = found; at != nullptr; at = at->ai_next) {
    int fd = socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
    if (fd < 0) continue;
    bool connected = false;
    try {
      connected = connect(fd, at->ai_addr, at->ai_addrlen) == 0 ||
                  (errno == EINPROGRESS && WaitConnected(fd, deadline));
    } catch (...) {  // interrupted
      close(fd);
      throw;
    }
    if (connected) return fd;
    close(fd);
  }
  return -1;
}

}  // namespace baton::zk
