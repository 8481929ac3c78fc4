#include "zk/exclusive_lock.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/error.h"
#include "util/host_name.h"
#include "util/json_field.h"
#include "util/printable.h"
#include "util/time_text.h"
#include "zk/sequence.h"

namespace baton::zk {
namespace {

constexpr char kPrefix[] = "lock-";

// The contenders under `dir`, lowest sequence first.
std::vector<std::string> Contenders(ZkSession& session, const std::string& dir) {
  std::vector<std::string> names = session.Children(dir).value_or(std::vector<std::string>{});
  std::erase_if(names, [](const std::string& n) { return n.rfind(kPrefix, 0) != 0; });
  SortBySequence(names);
  return names;
}

// Makes `dir` a persistent node: a container would be reaped between owners,
// and its data version counts restores (see operations/ownership.h).
void EnsureDir(ZkSession& session, const std::string& dir) {
  session.EnsurePersistent(dir, session.StructureAcl(dir));
}

}  // namespace

std::string LockOwner::Describe() const {
  return util::Printable(what) + " (pid " + std::to_string(pid) + " on " + util::Printable(host) +
         ", since " + util::Printable(since) + ")";
}

LockOwner LockOwner::Parse(const std::string& node, const std::string& data) {
  nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  LockOwner owner{node, "an unknown owner", "?", 0, "?"};
  if (!j.is_object()) return owner;
  owner.what = util::JsonField<std::string>(j, "what").value_or(owner.what);
  owner.host = util::JsonField<std::string>(j, "host").value_or(owner.host);
  owner.pid = util::JsonField<int64_t>(j, "pid").value_or(0);
  owner.since = util::JsonField<std::string>(j, "since").value_or(owner.since);
  return owner;
}

std::string ExclusiveLock::Enter(ZkSession& session, const std::string& dir,
                                 const std::string& what) {
  EnsureDir(session, dir);
  const std::string data =
      nlohmann::json{{"what", what},
                     {"host", util::HostName()},
                     {"pid", static_cast<int64_t>(getpid())},
                     {"since", util::UtcText(std::chrono::system_clock::now())}}
          .dump();
  const std::string prefix = dir + "/" + kPrefix;
  char created[1024] = {};
  int rc = zoo_create(session.handle(), prefix.c_str(), data.data(), static_cast<int>(data.size()),
                      session.control_acl(), ZOO_EPHEMERAL_SEQUENTIAL, created, sizeof created - 1);
  if (rc != ZOK) session.Fail(rc, "create", prefix);
  RemoveStale(session, dir, created);
  return created;
}

// Contenders of this very session other than `mine`: left by a release whose
// delete failed, or by a create whose answer was lost. They would make this
// session wait for (or be refused by) itself.
void ExclusiveLock::RemoveStale(ZkSession& session, const std::string& dir,
                                const std::string& mine) {
  const int64_t me = zoo_client_id(session.handle())->client_id;
  for (const std::string& name : Contenders(session, dir)) {
    const std::string node = dir + "/" + name;
    Stat stat{};
    if (node != mine && session.Get(node, &stat) && stat.ephemeralOwner == me) {
      session.Delete(node);
    }
  }
}

std::optional<LockOwner> ExclusiveLock::Holder(ZkSession& session, const std::string& dir) {
  for (const std::string& name : Contenders(session, dir)) {
    const std::string node = dir + "/" + name;
    if (std::optional<std::string> data = session.Get(node)) return LockOwner::Parse(node, *data);
  }
  return std::nullopt;
}

ExclusiveLock::ExclusiveLock(ZkSession& session, std::string dir, std::string what,
                             std::string node)
    : session_(session), dir_(std::move(dir)), what_(std::move(what)), node_(std::move(node)) {}

ExclusiveLock::~ExclusiveLock() {
  // Best effort: if this fails, the node goes with the session.
  if (!node_.empty()) zoo_delete(session_.handle(), node_.c_str(), -1);
}

std::unique_ptr<ExclusiveLock> ExclusiveLock::TryAcquire(ZkSession& session, const std::string& dir,
                                                         const std::string& what) {
  std::string node = Enter(session, dir, what);
  std::optional<LockOwner> holder = Holder(session, dir);
  if (holder && holder->node == node) {
    return std::unique_ptr<ExclusiveLock>(new ExclusiveLock(session, dir, what, std::move(node)));
  }
  session.Delete(node);
  throw Error(dir + " is held by " + (holder ? holder->Describe() : "another owner") +
                  ": nothing was touched; try again when it is done",
              ErrorKind::kRefused);
}

std::unique_ptr<ExclusiveLock> ExclusiveLock::Acquire(
    ZkSession& session, const std::string& dir, const std::string& what,
    const std::function<bool()>& keep_waiting,
    const std::function<void(const LockOwner&)>& on_wait) {
  std::string node = Enter(session, dir, what);
  bool told = false;
  // Polled rather than watched: waits are rare (an operator's restore while
  // a server takes over) and a poll cannot miss a wake-up.
  for (;;) {
    std::optional<LockOwner> holder = Holder(session, dir);
    if (holder && holder->node == node) {
      return std::unique_ptr<ExclusiveLock>(new ExclusiveLock(session, dir, what, std::move(node)));
    }
    if (!keep_waiting()) {
      session.Delete(node);
      return nullptr;
    }
    if (holder && !told && on_wait) on_wait(*holder);
    told = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

bool ExclusiveLock::Held() { return session_.Exists(node_); }

void ExclusiveLock::Reacquire() {
  if (Held()) return;
  std::unique_ptr<ExclusiveLock> again = TryAcquire(session_, dir_, what_);
  node_ = again->node_;
  again->node_.clear();  // now ours: its destructor must not delete it
}

}  // namespace baton::zk
