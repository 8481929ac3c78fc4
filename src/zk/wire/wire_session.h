// One ZooKeeper session over one plain TCP connection, spoken by Baton
// itself (zk/wire/protocol.h) for reads the C client cannot send
// (multiRead). It connects to one server of a ZkUrl's ensemble (the first
// that completes the handshake, trying them in turn from `first_server`),
// asks for the URL's session timeout, and authenticates with digest when the
// URL carries credentials.
//
// Requests are pipelined: Send() queues a request and returns its xid
// (1, 2, 3, ...); Receive() returns the replies, which ZooKeeper sends in the
// order of one session's requests. While a call waits on the socket it also
// reads what has arrived (so that a long pipeline never blocks both ends)
// and pings every third of the negotiated timeout. Nothing is sent between
// calls: a caller that lets the session sit unused for longer than its
// timeout (without KeepAlive()) finds it expired (ConnectionLost next).
//
// Failures: a connection the server closed, a server silent for two thirds
// of the timeout, or an expired session throw zk::ConnectionLost (what
// ZkSession throws for the same); the session is unusable afterwards and
// every later call throws the same. A reply that cannot be decoded throws
// baton::Error (kUnavailable) and breaks the session too. A failed
// request's own error (ZNONODE, ZNOAUTH) is in its reply's header.err.
//
// Thread safety: none. One thread owns a session and makes every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "baton/zk_url.h"
#include "zk/wire/protocol.h"

namespace baton::zk::wire {

class WireSession {
 public:
  // Throws ConnectionLost when no server completes the handshake within
  // timeouts.connect_ms, baton::Error when the credentials are refused.
  // A reply over `max_frame_bytes` is read past without being kept: its
  // Reply has header.err kErrReplyTooLarge and no body.
  WireSession(const ZkUrl& url, const ZkTimeouts& timeouts, size_t first_server = 0,
              size_t max_frame_bytes = kMaxFrameBytes);
  // Closes the session on the server (best effort, briefly) and the socket.
  ~WireSession();
  WireSession(const WireSession&) = delete;
  WireSession& operator=(const WireSession&) = delete;

  // Sends `request` (waiting until the socket took all of it and whatever
  // was queued before it); its xid.
  int32_t Send(const Request& request);
  // Queues `request` and returns its xid. It goes out with the next Send(),
  // Flush() or wait in Receive(), or once kSendLaterBytes are queued: many
  // small requests in one system call rather than one each.
  int32_t SendLater(const Request& request);
  // Sends everything queued, waiting until the socket took it.
  void Flush();
  static constexpr size_t kSendLaterBytes = 16 << 10;
  // The reply to the oldest request not yet received, blocking until it is
  // there. Only while outstanding() > 0. Throws baton::Error (kInterrupted)
  // on SIGINT/SIGTERM, the session staying usable.
  Reply Receive();
  // Without waiting: sends a ping when one is due and reads what has come.
  // For an owner that keeps the session unused for a while.
  void KeepAlive();
  // Requests sent whose replies Receive() has not returned yet.
  size_t outstanding() const { return pending_.size(); }

  int64_t session_id() const { return session_id_; }
  // The session timeout the server granted (it clamps what was asked).
  int timeout_ms() const { return timeout_ms_; }
  // "host:port" of the server this session talks to.
  const std::string& server() const { return server_; }

 private:
  using Clock = std::chrono::steady_clock;
  // A frame received, or the header of one skipped (`skipped`: its size).
  struct Frame {
    std::string bytes;
    size_t skipped = 0;
  };

  bool Connect(const std::string& host_port, Clock::duration budget);
  void Handshake(const ZkUrl& url, const ZkTimeouts& timeouts, Clock::duration budget);
  void Authenticate(const ZkUrl& url);
  // Runs `body`; an error other than an interruption breaks the session.
  template <typename Body>
  void Guarded(Body body);
  [[noreturn]] void ThrowBroken() const;
  Frame NextFrame();
  // One wait on the socket of at most `wait_ms`.
  void Pump(int wait_ms);
  void ReadAvailable();
  void CutFrames();
  // Cuts out one frame, or skips past one too large; false when more bytes are needed.
  bool CutFrame();
  void WriteSome();
  void Queue(std::string frame);
  void CloseSession();
  // Throws ConnectionLost for `rc` and breaks the session.
  [[noreturn]] void Lost(int rc);
  void CloseSocket();
  // Back to before Connect(), for the next server.
  void Reset();

  int fd_ = -1;
  std::string server_;
  int64_t session_id_ = 0;
  int timeout_ms_ = 0;
  int32_t next_xid_ = 1;
  bool connected_ = false;             // past the handshake: pings from now on
  bool eof_ = false;                   // the server closed the connection
  std::optional<std::string> broken_;  // why the session is unusable
  bool broken_lost_ = false;           // ... and whether that was ConnectionLost

  std::string out_;  // bytes queued for the socket
  size_t out_pos_ = 0;
  std::string in_;  // bytes read, frames not yet cut out
  size_t in_pos_ = 0;
  size_t max_frame_bytes_;
  size_t skip_ = 0;              // bytes of a reply over max_frame_bytes_ still to read past
  std::deque<Frame> frames_;     // received, not yet taken
  std::deque<int32_t> pending_;  // xids sent, in order

  Clock::duration ping_interval_{};
  Clock::duration read_timeout_{};
  Clock::time_point last_sent_{};
  // When something went out that nothing has answered yet (no byte read since).
  std::optional<Clock::time_point> unanswered_since_;
};

}  // namespace baton::zk::wire
