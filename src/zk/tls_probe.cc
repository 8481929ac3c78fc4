#include "zk/tls_probe.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>

#include "util/printable.h"
#include "zk/tcp_connect.h"

namespace baton::zk {
namespace {

// Only spent where no connection came about; a JVM server's first TLS
// handshake on a busy machine takes a while.
constexpr std::chrono::milliseconds kProbeBudget{3000};

// Notes a ServerHello: the server speaks TLS even when it then ends the
// handshake (ZooKeeper asks for a client certificate by default).
void OnMessage(int write_p, int, int content_type, const void* buf, size_t len, SSL*, void* arg) {
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_MT_SERVER_HELLO) {
    *static_cast<bool*>(arg) = true;
  }
}

}  // namespace

bool SpeaksTls(const std::string& server, std::chrono::milliseconds budget) {
  int fd = ConnectTcp(server, std::chrono::steady_clock::now() + budget);
  if (fd < 0) return false;
  // Blocking from here, each read and write bounded by the budget.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval limit{static_cast<time_t>(budget.count() / 1000),
                static_cast<suseconds_t>(budget.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        &SSL_CTX_free);
  bool tls = false;
  if (ctx) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), &SSL_free);
    if (ssl && SSL_set_fd(ssl.get(), fd) == 1) {
      SSL_set_msg_callback(ssl.get(), &OnMessage);
      SSL_set_msg_callback_arg(ssl.get(), &tls);
      SSL_connect(ssl.get());  // failing is fine once the server said hello
    }
  }
  close(fd);
  return tls;
}

std::string TlsHint(const std::string& hosts) {
  for (const std::string& server : ServersOf(hosts)) {
    if (SpeaksTls(server, kProbeBudget)) {
      return ": " + util::Printable(server) +
             " answers in TLS (a secureClientPort?); Baton speaks plain TCP to ZooKeeper "
             "(Debian's ZooKeeper C client is built without TLS): use the servers' clientPort";
    }
  }
  return "";
}

}  // namespace baton::zk
