// The listening side of baton serve's and baton agent's HTTP: one port per
// process, refused clearly when in use, served on a thread of its own.
#pragma once

#include <httplib.h>

#include <string>
#include <thread>

namespace baton::server {

// Binds `http` to host:port with SO_REUSEADDR only (cpp-httplib's default
// SO_REUSEPORT let a second server share the port, answering in turn) and a
// full backlog. Throws baton::Error naming the port when it cannot.
void Listen(httplib::Server& http, const std::string& host, int port);

// Serves `http` on its own thread from construction to destruction, however
// the serving ends.
class Listener {
 public:
  Listener(httplib::Server& http, const std::string& host, int port) : http_(http) {
    Listen(http_, host, port);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~Listener() {
    http_.stop();
    thread_.join();
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

 private:
  httplib::Server& http_;
  std::thread thread_;
};

}  // namespace baton::server
