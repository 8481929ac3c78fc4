#include "zk/wire/read_path.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "zk/wire/multi_read_reader.h"
#include "zk/wire/wire_session.h"
#include "zk/zk_session.h"

namespace baton::zk::wire {
namespace {

std::mutex mu;
std::map<std::string, bool> known;  // hosts -> knows multiRead; guarded by mu

// Sends a multiRead of no ops on a new session: an answer without an error
// means the server knows the op.
bool Probe(const ZkUrl& url, const ZkTimeouts& timeouts) {
  WireSession session(url, timeouts);  // ConnectionLost when nothing answers
  Request empty;
  empty.type = kOpMultiRead;
  try {
    session.Send(empty);
    Reply reply = session.Receive();
    if (reply.header.err == 0) return true;
    spdlog::info("ZooKeeper at {} answered multiRead with error {}: an older server",
                 session.server(), reply.header.err);
  } catch (const ConnectionLost&) {
    spdlog::info("ZooKeeper at {} closed the connection on multiRead: an older server",
                 session.server());
  }
  return false;
}

}  // namespace

bool SupportsMultiRead(const ZkUrl& url, const ZkTimeouts& timeouts) {
  std::lock_guard lock(mu);
  auto it = known.find(url.hosts);
  if (it != known.end()) return it->second;
  const bool supported = Probe(url, timeouts);
  spdlog::info(supported ? "reads go in multiRead batches (ZooKeeper 3.6+)"
                         : "reads go as pipelined single requests (the server predates 3.6)");
  known[url.hosts] = supported;
  return supported;
}

WalkReads::WalkReads(ZkSession& session, const ZkTimeouts& timeouts, bool multi_read,
                     int acl_sessions)
    : session_(session) {
  if (!multi_read) {
    reader_ = std::make_unique<PipelinedReader>(session);
    return;
  }
  std::vector<WireSession*> acl;
  for (int i = 0; i <= acl_sessions; ++i) {
    wires_.push_back(std::make_unique<WireSession>(session.url(), timeouts, i));
    if (i > 0) acl.push_back(wires_.back().get());
  }
  reader_ = std::make_unique<MultiReadReader>(*wires_[0], MultiReadReader::Limits{}, acl);
}

// The reader goes first: it references the session.
WalkReads::~WalkReads() { reader_.reset(); }

void WalkReads::Sync(const std::string& path) {
  if (wires_.empty()) return session_.Sync(path);
  Request sync;
  sync.type = kOpSync;
  sync.path = path;
  for (auto& wire : wires_) wire->Send(sync);
  for (auto& wire : wires_) {
    Reply reply = wire->Receive();
    if (reply.header.err != 0) ThrowZkError(reply.header.err, "sync", path);
  }
}

void NoteMultiReadRefused(const ZkUrl& url, const std::string& why) {
  std::lock_guard lock(mu);
  if (known[url.hosts]) {
    spdlog::warn("{}: reads go as pipelined single requests from now on", why);
  }
  known[url.hosts] = false;
}

void ForgetReadPaths() {
  std::lock_guard lock(mu);
  known.clear();
}

}  // namespace baton::zk::wire
