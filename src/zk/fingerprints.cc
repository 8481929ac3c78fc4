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
  return c.kind == Fingerprints::kData ? c.stat.mzxid == c.zxid : c.stat.pzxid == c.zxid;
}

}  // namespace

Fingerprints::Fingerprints() : file_(std::tmpfile()) {
  if (file_ == nullptr) throw Error("cannot create a temporary file for the consistency check");
}

Fingerprints::~Fingerprints() { std::fclose(file_); }

void Fingerprints::Add(const std::string& path, Kind kind, int64_t zxid) {
  // Node names cannot hold control characters, so a line per record is safe.
  if (std::fprintf(file_, "%c %" PRId64 " %s\n", kind, zxid, path.c_str()) < 0) {
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
  long long zxid = 0;
  std::string line;
  for (int c; (c = std::fgetc(file_)) != EOF || !line.empty();) {
    if (c != '\n' && c != EOF) {
      line += static_cast<char>(c);
      continue;
    }
    if (std::sscanf(line.c_str(), "%c %lld", &kind, &zxid) != 2) {
      throw Error("the consistency check's temporary file is damaged");
    }
    auto check = std::make_unique<Check>();
    check->path = line.substr(line.find(' ', 2) + 1);
    check->kind = static_cast<Kind>(kind);
    check->zxid = zxid;
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
