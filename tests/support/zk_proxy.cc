#include "support/zk_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <list>
#include <stdexcept>
#include <vector>

namespace baton::testing {
namespace {

constexpr int32_t kMultiRead = 22;
constexpr int32_t kNotificationXid = -1;

int32_t ReadInt(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, bytes.data() + at, 4);
  return static_cast<int32_t>(ntohl(v));
}

void AppendInt(std::string& out, int32_t v) {
  uint32_t be = htonl(static_cast<uint32_t>(v));
  out.append(reinterpret_cast<const char*>(&be), 4);
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

}  // namespace

struct ZkProxy::Link {
  struct Pending {
    int32_t xid;
    bool refused;
  };
  int client = -1;
  int server = -1;
  bool client_started = false;  // the client's ConnectRequest went through
  bool server_started = false;  // the server's ConnectResponse came back
  bool closing = false;
  std::string from_client, from_server;
  std::deque<Pending> pending;  // requests in the order their replies are due
};

ZkProxy::ZkProxy(const std::string& upstream, MultiRead mode, int forward_first)
    : mode_(mode), forward_first_(forward_first) {
  const size_t colon = upstream.rfind(':');
  upstream_host_ = upstream.substr(0, colon);
  upstream_port_ = std::stoi(upstream.substr(colon + 1));
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || pipe(wake_) != 0) {
    throw std::runtime_error("the ZooKeeper proxy cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

ZkProxy::~ZkProxy() {
  (void)!write(wake_[1], "x", 1);
  thread_.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) close(fd);
}

void ZkProxy::Freeze() {
  frozen_ = true;
  while (!frozen_seen_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string ZkProxy::address() const { return "127.0.0.1:" + std::to_string(port_); }

void ZkProxy::Serve() {
  std::list<Link> links;
  for (;;) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    const bool frozen = frozen_;
    frozen_seen_ = frozen;
    for (Link& link : links) {  // frozen, the links are not read: poll() ignores fd -1
      fds.push_back({frozen ? -1 : link.client, POLLIN, 0});
      fds.push_back({frozen ? -1 : link.server, POLLIN, 0});
    }
    // Every 10 ms it looks again whether it is to freeze or thaw.
    if (poll(fds.data(), fds.size(), 10) < 0) continue;
    if (fds[0].revents != 0) break;
    size_t i = 2;
    for (auto it = links.begin(); it != links.end(); i += 2) {
      bool open =
          (fds[i].revents == 0 || Pump(*it, true)) && (fds[i + 1].revents == 0 || Pump(*it, false));
      if (open) {
        ++it;
        continue;
      }
      close(it->client);
      close(it->server);
      it = links.erase(it);
    }
    if (fds[1].revents & POLLIN) Accept(links);
  }
  for (Link& link : links) {
    close(link.client);
    close(link.server);
  }
}

void ZkProxy::Accept(std::list<Link>& links) {
  Link link;
  link.client = accept(listen_fd_, nullptr, nullptr);
  link.server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to = Loopback(upstream_port_);
  inet_pton(AF_INET, upstream_host_.c_str(), &to.sin_addr);
  if (link.client >= 0 && connect(link.server, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    links.push_back(std::move(link));
    ++connections_;
    return;
  }
  if (link.client >= 0) close(link.client);
  close(link.server);
}

// Reads what `link` has from one side and passes on each whole packet;
// false once the link is to be closed.
bool ZkProxy::Pump(Link& link, bool from_client) {
  char buf[64 * 1024];
  ssize_t n = recv(from_client ? link.client : link.server, buf, sizeof buf, 0);
  if (n <= 0) return false;
  std::string& pending = from_client ? link.from_client : link.from_server;
  pending.append(buf, static_cast<size_t>(n));
  while (pending.size() >= 4) {
    const size_t size = 4 + static_cast<uint32_t>(ReadInt(pending, 0));
    if (pending.size() < size) break;
    std::string frame = pending.substr(0, size);
    pending.erase(0, size);
    if (!(from_client ? ClientFrame(link, frame) : ServerFrame(link, frame))) return false;
  }
  return true;
}

bool ZkProxy::ClientFrame(Link& link, const std::string& frame) {
  if (!link.client_started || frame.size() < 12) {  // the ConnectRequest has no header
    link.client_started = true;
    return SendAll(link.server, frame);
  }
  const int32_t xid = ReadInt(frame, 4);
  if (ReadInt(frame, 8) != kMultiRead || mode_ == MultiRead::kForward ||
      multi_reads_++ < forward_first_) {
    link.pending.push_back({xid, false});
    return SendAll(link.server, frame);
  }
  ++refused_;
  if (mode_ == MultiRead::kClose) return false;
  link.pending.push_back({xid, true});
  FlushRefusals(link);
  return !link.closing;
}

bool ZkProxy::ServerFrame(Link& link, const std::string& frame) {
  if (!link.server_started) {  // the ConnectResponse
    link.server_started = true;
    return SendAll(link.client, frame);
  }
  const int32_t xid = frame.size() >= 8 ? ReadInt(frame, 4) : kNotificationXid;
  if (xid != kNotificationXid && !link.pending.empty() && !link.pending.front().refused &&
      link.pending.front().xid == xid) {
    link.pending.pop_front();
  }
  if (!SendAll(link.client, frame)) return false;
  FlushRefusals(link);
  return !link.closing;
}

// Answers the refused requests now due: ZooKeeper answers a session's
// requests in order, so a refusal waits for the replies sent before it.
void ZkProxy::FlushRefusals(Link& link) {
  while (!link.pending.empty() && link.pending.front().refused) {
    std::string reply;
    AppendInt(reply, 16);  // xid, zxid, err
    AppendInt(reply, link.pending.front().xid);
    AppendInt(reply, 0);  // zxid: high and low words
    AppendInt(reply, 0);
    AppendInt(reply, ZUNIMPLEMENTED);
    link.pending.pop_front();
    if (!SendAll(link.client, reply) || mode_ == MultiRead::kUnimplementedThenClose) {
      link.closing = true;
      return;
    }
  }
}

}  // namespace baton::testing
