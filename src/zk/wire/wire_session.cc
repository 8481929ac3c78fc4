#include "zk/wire/wire_session.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>
#include <vector>

#include "baton/error.h"
#include "util/interrupt.h"
#include "util/printable.h"
#include "zk/tcp_connect.h"
#include "zk/tls_probe.h"
#include "zk/zk_session.h"

namespace baton::zk::wire {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kReadChunk = 256 * 1024;
constexpr int kReadsPerPump = 16;  // then let a queued write have its turn
constexpr auto kCloseWait = std::chrono::seconds(1);
// Every wait wakes this often to notice an interruption.
constexpr int kWaitMs = static_cast<int>(util::kInterruptPoll.count());

}  // namespace

WireSession::WireSession(const ZkUrl& url, const ZkTimeouts& timeouts, size_t first_server,
                         size_t max_frame_bytes)
    : max_frame_bytes_(std::max(max_frame_bytes, kReplyHeaderBytes)) {
  std::vector<std::string> servers = ServersOf(url.hosts);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeouts.connect_ms);
  std::string last = "no server accepted a connection";
  for (size_t i = 0; i < servers.size(); ++i) {
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) break;
    // A server that does not answer must leave time for the others.
    auto budget =
        std::max<Clock::duration>(left / static_cast<int>(servers.size() - i),
                                  std::min<Clock::duration>(left, std::chrono::seconds(1)));
    const std::string& server = servers[(first_server + i) % servers.size()];
    try {
      if (!Connect(server, budget)) continue;
      Handshake(url, timeouts, budget);
      return;
    } catch (const ConnectionLost& e) {
      last = e.what();
    } catch (...) {
      Reset();
      throw;
    }
    Reset();
  }
  throw ConnectionLost("cannot connect to ZooKeeper at " + util::Printable(url.hosts) + " (" +
                       last + ")" + TlsHint(url.hosts));
}

WireSession::~WireSession() {
  CloseSession();
  Reset();
}

bool WireSession::Connect(const std::string& server, Clock::duration budget) {
  int fd = ConnectTcp(server, Clock::now() + budget);
  if (fd < 0) return false;
  int one = 1;  // requests are small and pipelined: no Nagle delay
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  server_ = server;
  return true;
}

void WireSession::Handshake(const ZkUrl& url, const ZkTimeouts& timeouts, Clock::duration budget) {
  connected_ = false;
  read_timeout_ = budget;
  ConnectRequest request;
  request.timeout_ms = timeouts.session_ms;
  Queue(Encode(request));
  ConnectResponse response = DecodeConnectResponse(NextFrame().bytes);
  if (response.timeout_ms <= 0) Lost(ZSESSIONEXPIRED);
  session_id_ = response.session_id;
  timeout_ms_ = response.timeout_ms;
  ping_interval_ = std::chrono::milliseconds(timeout_ms_) / 3;
  // As ZooKeeper's own clients: a server silent for 2/3 of the timeout is
  // taken for gone while the session may still live for a reconnection.
  read_timeout_ = std::chrono::milliseconds(timeout_ms_) * 2 / 3;
  connected_ = true;
  if (url.has_credentials()) Authenticate(url);
}

void WireSession::Authenticate(const ZkUrl& url) {
  Queue(EncodeRequest(kAuthXid, Request{kOpAuth, "", {}, url.user + ":" + url.password}));
  for (;;) {  // bounded by the read timeout: every turn takes a frame
    Reply reply = DecodeReply(NextFrame().bytes);
    if (reply.header.xid == kPingXid) continue;
    if (reply.header.xid != kAuthXid) {
      throw Error("ZooKeeper answered authentication with xid " + std::to_string(reply.header.xid),
                  ErrorKind::kUnavailable);
    }
    if (reply.header.err == ZOK) return;
    CloseSocket();
    ThrowZkError(reply.header.err, "authenticate to", server_);
  }
}

template <typename Body>
void WireSession::Guarded(Body body) {
  try {
    body();
  } catch (const Error& e) {
    // An interruption leaves the session consistent; anything else leaves
    // the stream in an unknown place.
    if (e.kind() != ErrorKind::kInterrupted && !broken_) {
      broken_ = e.what();
      broken_lost_ = dynamic_cast<const ConnectionLost*>(&e) != nullptr;
      CloseSocket();
    }
    throw;
  }
}

int32_t WireSession::Send(const Request& request) {
  int32_t xid = SendLater(request);
  Flush();
  return xid;
}

int32_t WireSession::SendLater(const Request& request) {
  if (broken_) ThrowBroken();
  int32_t xid = next_xid_;
  next_xid_ = next_xid_ == INT32_MAX ? 1 : next_xid_ + 1;
  std::string frame = EncodeRequest(xid, request);
  Guarded([&] {
    Queue(std::move(frame));
    pending_.push_back(xid);
  });
  if (out_.size() - out_pos_ >= kSendLaterBytes) Flush();
  return xid;
}

void WireSession::Flush() {
  if (broken_) ThrowBroken();
  if (out_pos_ == out_.size()) return;
  Guarded([&] {
    WriteSome();
    while (out_pos_ < out_.size()) {
      if (eof_) Lost(ZCONNECTIONLOSS);
      Pump(kWaitMs);
    }
  });
}

Reply WireSession::Receive() {
  if (broken_) ThrowBroken();
  if (pending_.empty()) throw Error("ZooKeeper read path: a reply awaited with none outstanding");
  Reply reply;
  Guarded([&] {
    for (;;) {  // bounded by the read timeout: every turn takes a frame
      Frame frame = NextFrame();
      reply = DecodeReply(std::move(frame.bytes));
      if (frame.skipped > 0) {
        reply.header.err = kErrReplyTooLarge;
        reply.skipped_bytes = frame.skipped;
      }
      int32_t xid = reply.header.xid;
      if (xid == kPingXid || xid == kNotificationXid || xid == kAuthXid) continue;
      if (xid != pending_.front()) {
        throw Error("ZooKeeper answered xid " + std::to_string(xid) + " where " +
                        std::to_string(pending_.front()) + " was due",
                    ErrorKind::kUnavailable);
      }
      pending_.pop_front();
      if (reply.header.err == ZSESSIONEXPIRED) Lost(ZSESSIONEXPIRED);
      return;
    }
  });
  return reply;
}

void WireSession::KeepAlive() {
  if (broken_) ThrowBroken();
  Guarded([&] {
    if (eof_) Lost(ZCONNECTIONLOSS);
    Pump(0);
  });
}

void WireSession::ThrowBroken() const {
  if (broken_lost_) throw ConnectionLost(*broken_);
  throw Error(*broken_, ErrorKind::kUnavailable);
}

WireSession::Frame WireSession::NextFrame() {
  while (frames_.empty()) {
    if (eof_) Lost(ZCONNECTIONLOSS);
    Pump(kWaitMs);
  }
  Frame frame = std::move(frames_.front());
  frames_.pop_front();
  return frame;
}

// Sends a ping when due, writes what is queued, reads what has come.
void WireSession::Pump(int wait_ms) {
  util::ThrowIfInterrupted();
  if (connected_ && out_pos_ == out_.size() && Clock::now() - last_sent_ >= ping_interval_) {
    Queue(EncodeRequest(kPingXid, Request{}));
  }
  short events = POLLIN;
  if (out_pos_ < out_.size()) events |= POLLOUT;
  pollfd pfd{fd_, events, 0};
  int ready = poll(&pfd, 1, wait_ms);
  if (ready < 0) {
    if (errno == EINTR) return;
    Lost(ZCONNECTIONLOSS);
  }
  if ((pfd.revents & POLLOUT) != 0) WriteSome();
  if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) ReadAvailable();
  // Only after the poll: a reply that came while the owner was busy elsewhere
  // has just been read (and reset the clock).
  if (unanswered_since_ && Clock::now() - *unanswered_since_ >= read_timeout_) {
    Lost(ZOPERATIONTIMEOUT);
  }
}

void WireSession::ReadAvailable() {
  for (int reads = 0; reads < kReadsPerPump && !eof_; ++reads) {
    size_t old = in_.size();
    in_.resize(old + kReadChunk);
    ssize_t got = recv(fd_, in_.data() + old, kReadChunk, 0);
    in_.resize(old + static_cast<size_t>(std::max<ssize_t>(got, 0)));
    if (got > 0) {
      unanswered_since_.reset();
      if (static_cast<size_t>(got) < kReadChunk) break;
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      eof_ = true;  // closed or reset: the frames before it still count
    }
  }
  CutFrames();
}

void WireSession::CutFrames() {
  while (CutFrame()) {
  }
  // Drop what was cut out, without moving a big partial frame every time.
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= in_.size() / 2) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
}

bool WireSession::CutFrame() {
  size_t available = in_.size() - in_pos_;
  if (skip_ > 0) {
    size_t skipped = std::min(skip_, available);
    in_pos_ += skipped;
    skip_ -= skipped;
    return skip_ == 0;
  }
  if (available < 4) return false;
  // The connect response has no header to answer a skipped reply with.
  size_t limit = connected_ ? static_cast<size_t>(INT32_MAX) : max_frame_bytes_;
  size_t length = FrameLength(std::string_view(in_).substr(in_pos_, 4), limit);
  if (length > max_frame_bytes_) {
    if (available < 4 + kReplyHeaderBytes) return false;
    frames_.push_back(Frame{in_.substr(in_pos_ + 4, kReplyHeaderBytes), length});
    in_pos_ += 4;
    skip_ = length;
    return true;
  }
  if (available - 4 < length) return false;
  frames_.push_back(Frame{in_.substr(in_pos_ + 4, length), 0});
  in_pos_ += 4 + length;
  return true;
}

void WireSession::WriteSome() {
  while (out_pos_ < out_.size()) {
    ssize_t sent = send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (sent > 0) {
      out_pos_ += static_cast<size_t>(sent);
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      Lost(ZCONNECTIONLOSS);
    }
  }
  out_.clear();
  out_pos_ = 0;
}

void WireSession::Queue(std::string frame) {
  out_ += frame;
  last_sent_ = Clock::now();
  if (!unanswered_since_) unanswered_since_ = last_sent_;
}

// Asks the server to end the session now rather than at its timeout; waits
// at most kCloseWait for it to close the connection.
void WireSession::CloseSession() {
  if (fd_ < 0 || broken_ || !connected_) return;
  try {
    util::UninterruptibleScope finish;
    Queue(EncodeRequest(next_xid_, Request{kOpCloseSession, "", {}, ""}));
    auto deadline = Clock::now() + kCloseWait;
    while (!eof_ && Clock::now() < deadline) Pump(kWaitMs);
  } catch (const Error&) {
    // The session expires on its own.
  }
}

void WireSession::Lost(int rc) {
  try {
    ThrowZkError(rc, "read from", server_);
  } catch (const ConnectionLost& e) {
    broken_ = e.what();
    broken_lost_ = true;
    CloseSocket();
    throw;
  }
}

void WireSession::CloseSocket() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void WireSession::Reset() {
  CloseSocket();
  connected_ = eof_ = broken_lost_ = false;
  broken_.reset();
  out_.clear();
  in_.clear();
  out_pos_ = in_pos_ = 0;
  frames_.clear();
  skip_ = 0;
  pending_.clear();
  unanswered_since_.reset();
}

}  // namespace baton::zk::wire
