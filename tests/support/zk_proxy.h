// A loopback TCP proxy in front of one ZooKeeper server, for tests. It
// forwards each client connection byte for byte, and can play a server older
// than 3.6, which does not know multiRead (OpCode 22): such a server answers
// the request with ZUNIMPLEMENTED and then closes the connection (its
// UnimplementedRequestProcessor); a stricter one may just close it. The
// proxy reads only ZooKeeper's framing (a 4-byte length before each packet,
// the request header's xid and type), so what it tests stays the client's.
//
// Thread safety: the constructor starts one thread that serves every
// connection; the accessors may be called from any thread.
#pragma once

#include <atomic>
#include <list>
#include <string>
#include <thread>

namespace baton::testing {

class ZkProxy {
 public:
  enum class MultiRead {
    kForward,                 // a 3.6+ server: forwarded like any request
    kUnimplemented,           // answered ZUNIMPLEMENTED, the connection kept
    kUnimplementedThenClose,  // answered ZUNIMPLEMENTED, then closed (3.4/3.5)
    kClose,                   // the connection closed, no answer
  };

  // Listens on a free loopback port for clients of `upstream` ("host:port").
  // The first `forward_first` multiReads of all connections are forwarded
  // whatever the mode: a server that changes under a client (an ensemble's
  // rolling upgrade or downgrade).
  ZkProxy(const std::string& upstream, MultiRead mode, int forward_first = 0);
  // Closes every connection and the listening socket.
  ~ZkProxy();
  ZkProxy(const ZkProxy&) = delete;
  ZkProxy& operator=(const ZkProxy&) = delete;

  // "127.0.0.1:<port>", for a ZooKeeper connect string.
  std::string address() const;
  // multiRead requests refused so far.
  int refused() const { return refused_; }
  // Connections accepted so far.
  int connections() const { return connections_; }
  // Holds every byte in both directions until Thaw(): a network that stalls.
  // What the server did meanwhile (closing a connection of an expired
  // session) reaches the client only after Thaw(), so a test can act while
  // the client still believes itself connected.
  // Returns once nothing more passes.
  void Freeze();
  void Thaw() { frozen_ = false; }

 private:
  struct Link;
  void Serve();
  void Accept(std::list<Link>& links);
  bool Pump(Link& link, bool from_client);
  bool ClientFrame(Link& link, const std::string& frame);
  bool ServerFrame(Link& link, const std::string& frame);
  void FlushRefusals(Link& link);

  std::string upstream_host_;
  int upstream_port_ = 0;
  MultiRead mode_;
  int forward_first_;
  int multi_reads_ = 0;  // seen so far; only Serve()'s thread touches it
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a pipe that ends Serve()
  std::atomic<int> refused_{0};
  std::atomic<int> connections_{0};
  std::atomic<bool> frozen_{false};
  std::atomic<bool> frozen_seen_{false};  // Serve() no longer reads the links
  std::thread thread_;
};

}  // namespace baton::testing
