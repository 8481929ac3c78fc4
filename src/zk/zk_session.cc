#include "zk/zk_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "baton/error.h"
#include "util/interrupt.h"
#include "util/printable.h"
#include "zk/tls_probe.h"

namespace baton::zk {
namespace {

// The C client logs through this callback; its messages name servers and
// session ids, never credentials.
void LogFromClient(const char* message) { spdlog::debug("zookeeper: {}", message); }

struct GetResult {
  int rc = 0;
  std::string data;
  Stat stat{};
};

struct ChildrenResult {
  int rc = 0;
  std::vector<std::string> names;
};

void OnGet(int rc, const char* value, int value_len, const Stat* stat, const void* data) {
  auto* promise = static_cast<std::promise<GetResult>*>(const_cast<void*>(data));
  GetResult result;
  result.rc = rc;
  if (rc == ZOK) {
    if (value != nullptr && value_len > 0)
      result.data.assign(value, static_cast<size_t>(value_len));
    if (stat != nullptr) result.stat = *stat;
  }
  promise->set_value(std::move(result));
}

void OnChildren(int rc, const String_vector* strings, const void* data) {
  auto* promise = static_cast<std::promise<ChildrenResult>*>(const_cast<void*>(data));
  ChildrenResult result;
  result.rc = rc;
  if (rc == ZOK && strings != nullptr) {
    result.names.reserve(static_cast<size_t>(strings->count));
    for (int i = 0; i < strings->count; ++i) result.names.emplace_back(strings->data[i]);
  }
  promise->set_value(std::move(result));
}

void OnString(int rc, const char* /*value*/, const void* data) { SetPromisedCode(rc, data); }

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

}  // namespace

void SetPromisedCode(int rc, const void* promise) {
  static_cast<std::promise<int>*>(const_cast<void*>(promise))->set_value(rc);
}

bool IsConnectionLoss(int rc) {
  return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || rc == ZSESSIONEXPIRED ||
         rc == ZINVALIDSTATE;  // what every call on an expired session returns
}

void ThrowZkError(int rc, const std::string& what, const std::string& path) {
  std::string reason;
  switch (rc) {
    case ZCONNECTIONLOSS:
      reason = "lost the connection to ZooKeeper";
      break;
    case ZSESSIONEXPIRED:
    case ZINVALIDSTATE:  // what every call on an expired session returns
      reason = "the ZooKeeper session expired";
      break;
    case ZOPERATIONTIMEOUT:
      reason = "ZooKeeper did not answer in time";
      break;
    case ZNOAUTH:
      reason = "not authorized (check the credentials in the zk URL)";
      break;
    case ZAUTHFAILED:
      reason = "authentication failed (check the credentials in the zk URL)";
      break;
    default:
      reason = zerror(rc);
  }
  if (IsConnectionLoss(rc)) {
    throw ConnectionLost(what + " " + path + ": " + reason);
  }
  throw Error(what + " " + path + ": " + reason);
}

ZkSession::ZkSession(const ZkUrl& url, const ZkTimeouts& timeouts)
    : url_(url), timeouts_(timeouts) {
  zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
  Open();
}

void ZkSession::Open() {
  {
    std::lock_guard lock(mu_);
    state_ = 0;
  }
  zh_ = zookeeper_init2(url_.hosts.c_str(), &ZkSession::Watcher, timeouts_.session_ms, nullptr,
                        this, 0, &LogFromClient);
  if (zh_ == nullptr) {
    throw Error(
        "cannot use ZooKeeper hosts '" + util::Printable(url_.hosts) + "': " + std::strerror(errno),
        ErrorKind::kUnavailable);
  }
  // By default the client resolves the host names again every time it polls
  // its socket: a netlink socket, /etc/hosts and more per request, which cost
  // more than the requests themselves. Once a minute still follows DNS
  // changes; a lost connection resolves again at once.
  zoo_set_servers_resolution_delay(zh_, 60 * 1000);
  try {
    WaitConnected(timeouts_.connect_ms);
    if (url_.has_credentials()) Authenticate(timeouts_.connect_ms);
  } catch (...) {
    if (zh_ != nullptr) zookeeper_close(zh_);
    zh_ = nullptr;
    throw;
  }
}

void ZkSession::Resume() {
  // The client's own state, not the last session event. Even that state lags:
  // the C client fails the waiting requests (which is how the caller learnt
  // of the loss) before it leaves the connected state, so "connected" is
  // believed only once a request has come back.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(timeouts_.session_ms + timeouts_.connect_ms);
  for (;;) {
    int state = zh_ == nullptr ? ZOO_EXPIRED_SESSION_STATE : zoo_state(zh_);
    if (state == ZOO_CONNECTED_STATE) {
      const Answer answer = Ask(deadline);
      if (answer == Answer::kYes) return;
      // A request the client never completed: its handle is past use.
      if (answer == Answer::kSilent) state = ZOO_EXPIRED_SESSION_STATE;
    }
    if (state == ZOO_EXPIRED_SESSION_STATE) {
      spdlog::warn("the ZooKeeper session expired; opening a new one");
      if (zh_ != nullptr) zookeeper_close(zh_);
      zh_ = nullptr;
      Open();
      return;
    }
    if (state == ZOO_AUTH_FAILED_STATE) {
      throw Error("ZooKeeper at " + util::Printable(url_.hosts) +
                  " refused the credentials (check the credentials in the zk URL)");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error("no ZooKeeper server of " + util::Printable(url_.hosts) + " answered within " +
                      std::to_string((timeouts_.session_ms + timeouts_.connect_ms) / 1000) +
                      " s: is a majority of the ensemble up?",
                  ErrorKind::kUnavailable);
    }
    util::ThrowIfInterrupted();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ZkSession::Answer ZkSession::Ask(std::chrono::steady_clock::time_point deadline) {
  // On the heap, freed by the completion: a request queued just as the
  // session expires can be left in the client's queue until zookeeper_close
  // completes it, long after this wait gave up (the future keeps the result
  // on its own).
  auto* done = new std::promise<int>;
  std::future<int> answered = done->get_future();
  const int rc = zoo_aexists(
      zh_, "/", 0,
      [](int code, const Stat*, const void* data) {
        auto* promise = static_cast<std::promise<int>*>(const_cast<void*>(data));
        promise->set_value(code);
        delete promise;
      },
      done);
  if (rc != ZOK) delete done;
  int answer = rc;
  while (rc == ZOK) {
    if (answered.wait_for(util::kInterruptPoll) == std::future_status::ready) {
      answer = answered.get();
      break;
    }
    util::ThrowIfInterrupted();
    if (std::chrono::steady_clock::now() > deadline) return Answer::kSilent;
  }
  if (answer == ZOK) return Answer::kYes;
  if (!IsConnectionLoss(answer)) ThrowZkError(answer, "check", "/");
  return Answer::kLost;
}

ZkSession::~ZkSession() {
  if (zh_ != nullptr) zookeeper_close(zh_);
}

void ZkSession::Watcher(zhandle_t* /*zh*/, int type, int state, const char* /*path*/,
                        void* context) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* self = static_cast<ZkSession*>(context);
  {
    std::lock_guard lock(self->mu_);
    self->state_ = state;
  }
  self->cv_.notify_all();
}

void ZkSession::WaitConnected(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock lock(mu_);
  auto settled = [this] {
    return state_ == ZOO_CONNECTED_STATE || state_ == ZOO_EXPIRED_SESSION_STATE ||
           state_ == ZOO_AUTH_FAILED_STATE;
  };
  bool done = false;
  // Wakes every kInterruptPoll, so that SIGINT/SIGTERM is noticed.
  while (!(done = settled()) && std::chrono::steady_clock::now() < deadline) {
    cv_.wait_until(lock,
                   std::min(deadline, std::chrono::steady_clock::now() + util::kInterruptPoll));
    if (!settled()) util::ThrowIfInterrupted();
  }
  if (done && state_ == ZOO_CONNECTED_STATE) return;
  lock.unlock();
  // Only a connection that never came about is asked about TLS, and outside
  // the lock: the probe may take seconds, and the watcher needs the lock.
  const std::string hint = done ? "" : TlsHint(url_.hosts);
  throw Error("could not connect to ZooKeeper at " + util::Printable(url_.hosts) + " within " +
                  std::to_string(timeout_ms) + " ms (see --zk_timeout)" + hint,
              ErrorKind::kUnavailable);
}

void ZkSession::Authenticate(int timeout_ms) {
  std::string cert = url_.user + ":" + url_.password;
  std::promise<int> promise;
  auto future = promise.get_future();
  int rc = zoo_add_auth(zh_, "digest", cert.data(), static_cast<int>(cert.size()), &SetPromisedCode,
                        &promise);
  if (rc != ZOK) ThrowZkError(rc, "authenticate as", util::Printable(url_.user));
  if (future.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    // The callback still references `promise`: closing the handle first
    // delivers it before we leave.
    zookeeper_close(zh_);
    zh_ = nullptr;
    throw Error(
        "ZooKeeper did not answer the authentication within " + std::to_string(timeout_ms) + " ms",
        ErrorKind::kUnavailable);
  }
  rc = future.get();
  if (rc != ZOK) ThrowZkError(rc, "authenticate as", util::Printable(url_.user));
}

const ACL_vector* ZkSession::acl() const {
  return url_.has_credentials() ? &ZOO_CREATOR_ALL_ACL : &ZOO_OPEN_ACL_UNSAFE;
}

const ACL_vector* ZkSession::control_acl() const {
  static ACL owner_and_readers[] = {
      {ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}},
      {ZOO_PERM_READ, {const_cast<char*>("world"), const_cast<char*>("anyone")}}};
  static ACL_vector readable = {2, owner_and_readers};
  return url_.has_credentials() ? &readable : &ZOO_OPEN_ACL_UNSAFE;
}

const ACL_vector* ZkSession::shared_acl() const {
  static ACL every_identity[] = {
      {ZOO_PERM_ALL & ~ZOO_PERM_ADMIN, {const_cast<char*>("world"), const_cast<char*>("anyone")}}};
  static ACL_vector shared = {1, every_identity};
  return url_.has_credentials() ? &shared : &ZOO_OPEN_ACL_UNSAFE;
}

const ACL_vector* ZkSession::StructureAcl(const std::string& path) const {
  const bool shared =
      !shared_root_.empty() && (path == shared_root_ || path.starts_with(shared_root_ + "/"));
  return shared ? shared_acl() : acl();
}

void ZkSession::Fail(int rc, const std::string& what, const std::string& path) const {
  ThrowZkError(rc, what, path);
}

std::optional<std::string> ZkSession::Get(const std::string& path, Stat* stat) {
  std::promise<GetResult> promise;
  auto future = promise.get_future();
  int rc = zoo_aget(zh_, path.c_str(), 0, &OnGet, &promise);
  if (rc != ZOK) Fail(rc, "read", path);
  GetResult result = future.get();
  if (result.rc == ZNONODE) return std::nullopt;
  if (result.rc != ZOK) Fail(result.rc, "read", path);
  if (stat != nullptr) *stat = result.stat;
  return std::move(result.data);
}

std::optional<std::vector<std::string>> ZkSession::Children(const std::string& path) {
  std::promise<ChildrenResult> promise;
  auto future = promise.get_future();
  int rc = zoo_aget_children(zh_, path.c_str(), 0, &OnChildren, &promise);
  if (rc != ZOK) Fail(rc, "list", path);
  ChildrenResult result = future.get();
  if (result.rc == ZNONODE) return std::nullopt;
  if (result.rc != ZOK) Fail(result.rc, "list", path);
  return std::move(result.names);
}

bool ZkSession::Exists(const std::string& path, Stat* stat) {
  Stat ignored{};
  int rc = zoo_exists(zh_, path.c_str(), 0, stat != nullptr ? stat : &ignored);
  if (rc == ZNONODE) return false;
  if (rc != ZOK) Fail(rc, "check", path);
  return true;
}

void ZkSession::EnsureContainers(const std::string& path) {
  if (path != "/") EnsureNode(path, ZOO_CONTAINER, StructureAcl(path));
}

void ZkSession::EnsurePersistent(const std::string& path, const ACL_vector* node_acl) {
  EnsureNode(path, ZOO_PERSISTENT, node_acl);
}

void ZkSession::EnsureNode(const std::string& path, int mode, const ACL_vector* node_acl) {
  for (int attempt = 1;; ++attempt) {
    if (Exists(path)) return;
    EnsureContainers(Parent(path));
    std::promise<int> promise;
    auto future = promise.get_future();
    int rc = zoo_acreate(zh_, path.c_str(), "", 0, node_acl, mode, &OnString, &promise);
    if (rc != ZOK) Fail(rc, "create", path);
    rc = future.get();
    if (rc == ZNONODE && attempt < kReapedParentAttempts) continue;
    if (rc != ZOK && rc != ZNODEEXISTS) Fail(rc, "create", path);
    return;
  }
}

void ZkSession::Put(const std::string& path, const std::string& data, const ACL_vector* node_acl) {
  for (int attempt = 1;; ++attempt) {
    int rc = zoo_set(zh_, path.c_str(), data.data(), static_cast<int>(data.size()), -1);
    if (rc == ZOK) return;
    if (rc != ZNONODE) Fail(rc, "write", path);
    EnsureContainers(Parent(path));
    rc = zoo_create(zh_, path.c_str(), data.data(), static_cast<int>(data.size()),
                    node_acl != nullptr ? node_acl : acl(), ZOO_PERSISTENT, nullptr, 0);
    if (rc == ZNONODE && attempt < kReapedParentAttempts) continue;
    if (rc != ZOK) Fail(rc, "create", path);
    return;
  }
}

void ZkSession::Sync(const std::string& path) {
  std::promise<int> promise;
  auto future = promise.get_future();
  int rc = zoo_async(zh_, path.c_str(), &OnString, &promise);
  if (rc != ZOK) Fail(rc, "sync", path);
  rc = future.get();
  if (rc != ZOK) Fail(rc, "sync", path);
}

void ZkSession::Delete(const std::string& path) {
  int rc = zoo_delete(zh_, path.c_str(), -1);
  if (rc != ZOK && rc != ZNONODE) Fail(rc, "delete", path);
}

void ZkSession::SetAcl(const std::string& path, const ACL_vector* acl) {
  int rc = zoo_set_acl(zh_, path.c_str(), -1, acl);
  if (rc != ZOK) Fail(rc, "set the ACL of", path);
}

}  // namespace baton::zk
