#include "server/http_listener.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "baton/error.h"

namespace baton::server {

// Binds the listening socket. cpp-httplib's default socket options set
// SO_REUSEPORT, with which a second server on the same port starts too and
// the two answer in turn; SO_REUSEADDR alone refuses a port in use. Its
// backlog of 5 overflowed when 16 clients connected at once to a busy server:
// the kernel dropped their handshakes, and a client whose request got through
// only after the keep-alive timeout found the connection closed (wrk: "read"
// errors). listen() on the bound socket again raises the backlog.
void Listen(httplib::Server& http, const std::string& host, int port) {
  socket_t bound = INVALID_SOCKET;
  http.set_socket_options([&bound](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    bound = sock;
  });
  errno = 0;
  if (http.bind_to_port(host, port)) {
    if (::listen(bound, SOMAXCONN) != 0) {
      spdlog::warn("could not raise the listen backlog: {}", std::strerror(errno));
    }
    return;
  }
  const int err = errno;
  const std::string where = "cannot listen on " + host + ":" + std::to_string(port);
  if (err == EADDRINUSE) {
    throw Error(where + ": port " + std::to_string(port) +
                " is already in use (another baton serve or agent?)");
  }
  throw Error(where + (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
}

}  // namespace baton::server
