#include "zk/fingerprints.h"

#include <cinttypes>
#include <memory>

#include "baton/error.h"
#include "zk/completion_queue.h"

namespace baton::zk {
namespace {

struct Check {
  std::string path;
  Fingerprints::Kind kind;
  int64_t zxid;
  int64_t pzxid = 0;  // kBoth: zxid is the mzxid
  int rc = ZOK;
  Stat stat{};
  CompletionQueue<std::unique_ptr<Check>>* queue = nullptr;
};

void OnStat(int rc, const Stat* stat, const void* context) {
  std::unique_ptr<Check> check(static_cast<Check*>(const_cast<void*>(context)));
  check->rc = rc;
  if (rc == ZOK && stat != nullptr) check->stat = *stat;
  auto* queue = check->queue;
  queue->Push(std::move(check));
}

bool Unchanged(const Check& c) {
  if (c.rc == ZNONODE) return false;
  if (c.rc != ZOK) ThrowZkError(c.rc, "check", c.path);
  switch (c.kind) {
    case Fingerprints::kData:
      return c.stat.mzxid == c.zxid;
    case Fingerprints::kChildren:
      return c.stat.pzxid == c.zxid;
    case Fingerprints::kBoth:
      return c.stat.mzxid == c.zxid && c.stat.pzxid == c.pzxid;
  }
  return false;
}

}  // namespace

Fingerprints::Fingerprints() : file_(std::tmpfile()) {
  if (file_ == nullptr) throw Error("cannot create a temporary file for the consistency check");
}

Fingerprints::~Fingerprints() { std::fclose(file_); }

void Fingerprints::Add(const std::string& path, Kind kind, int64_t zxid) {
  Write(path, kind, zxid, 0);
}

void Fingerprints::AddBoth(const std::string& path, int64_t mzxid, int64_t pzxid) {
  Write(path, kBoth, mzxid, pzxid);
  newest_ = std::max(newest_, pzxid);
}

void Fingerprints::Write(const std::string& path, Kind kind, int64_t zxid, int64_t pzxid) {
  // Node names cannot hold control characters, so a line per record is safe.
  if (std::fprintf(file_, "%c %" PRId64 " %" PRId64 " %s\n", kind, zxid, pzxid, path.c_str()) < 0) {
    throw Error("cannot write the consistency check's temporary file");
  }
  if (count_++ == 0) first_ = zxid;
  newest_ = std::max(newest_, zxid);
}

std::optional<std::string> Fingerprints::FirstChange(ZkSession& session, int max_in_flight) {
  std::rewind(file_);
  CompletionQueue<std::unique_ptr<Check>> queue;
  std::optional<std::string> changed;
  // Waits for whatever is still in flight, however this ends.
  struct Drain {
    CompletionQueue<std::unique_ptr<Check>>& queue;
    ~Drain() { queue.Drain(); }
  } drain{queue};
  char kind = 0;
  long long zxid = 0, pzxid = 0;
  int path_at = 0;
  std::string line;
  for (int c; (c = std::fgetc(file_)) != EOF || !line.empty();) {
    if (c != '\n' && c != EOF) {
      line += static_cast<char>(c);
      continue;
    }
    if (std::sscanf(line.c_str(), "%c %lld %lld %n", &kind, &zxid, &pzxid, &path_at) != 3) {
      throw Error("the consistency check's temporary file is damaged");
    }
    auto check = std::make_unique<Check>();
    check->path = line.substr(static_cast<size_t>(path_at));
    check->kind = static_cast<Kind>(kind);
    check->zxid = zxid;
    check->pzxid = pzxid;
    check->queue = &queue;
    line.clear();
    while (queue.outstanding() >= max_in_flight) {
      auto done = queue.Pop();
      if (!changed && !Unchanged(*done)) changed = done->path;
    }
    if (changed) break;
    queue.Expect();
    Check* context = check.release();
    int rc = zoo_aexists(session.handle(), context->path.c_str(), 0, &OnStat, context);
    if (rc != ZOK) {
      queue.Cancel();
      std::unique_ptr<Check> failed(context);
      ThrowZkError(rc, "check", failed->path);
    }
  }
  while (queue.outstanding() > 0) {
    auto done = queue.Pop();
    if (!changed && !Unchanged(*done)) changed = done->path;
  }
  std::fseek(file_, 0, SEEK_END);
  return changed;
}

}  // namespace baton::zk
