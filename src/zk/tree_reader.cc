#include "zk/tree_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>

#include "baton/error.h"
#include "layout/marathon/storage_version.h"
#include "util/interrupt.h"
#include "zk/acl.h"
#include "zk/completion_queue.h"

namespace baton::zk {
namespace {

// Requests in the order of the tree's levels. The deepest pending kind is
// always sent first, so the frontier (and memory) stays small.
enum Kind { kListBuckets, kListIds, kGetItem, kListVersions, kGetVersion, kGetAcl, kKinds };

struct Request {
  Kind kind;
  std::string category, bucket, id, version;
  std::string path;
  std::string data = {};  // kGetAcl: the node's data, read before
};

struct Reply;
using ReplyQueue = CompletionQueue<std::unique_ptr<Reply>>;

struct Reply {
  Request request;
  ReplyQueue* queue = nullptr;
  int rc = ZOK;
  std::string data;
  Stat stat{};
  std::vector<std::string> children;
  std::string acl;  // kGetAcl: as zk::Acl text, empty for the open ACL
};

void OnData(int rc, const char* value, int value_len, const Stat* stat, const void* context) {
  std::unique_ptr<Reply> reply(static_cast<Reply*>(const_cast<void*>(context)));
  reply->rc = rc;
  if (rc == ZOK) {
    if (value != nullptr && value_len > 0)
      reply->data.assign(value, static_cast<size_t>(value_len));
    if (stat != nullptr) reply->stat = *stat;
  }
  ReplyQueue* queue = reply->queue;
  queue->Push(std::move(reply));
}

void OnChildren(int rc, const String_vector* strings, const Stat* stat, const void* context) {
  std::unique_ptr<Reply> reply(static_cast<Reply*>(const_cast<void*>(context)));
  reply->rc = rc;
  if (rc == ZOK && stat != nullptr) reply->stat = *stat;
  if (rc == ZOK && strings != nullptr) {
    reply->children.reserve(static_cast<size_t>(strings->count));
    for (int i = 0; i < strings->count; ++i) reply->children.emplace_back(strings->data[i]);
    // Sorted, so that backups of the same tree list entries in the same order.
    std::sort(reply->children.begin(), reply->children.end());
  }
  ReplyQueue* queue = reply->queue;
  queue->Push(std::move(reply));
}

void OnAcl(int rc, ACL_vector* acl, Stat* /*stat*/, const void* context) {
  std::unique_ptr<Reply> reply(static_cast<Reply*>(const_cast<void*>(context)));
  reply->rc = rc;
  if (rc == ZOK && acl != nullptr && !Acl::IsOpen(*acl)) reply->acl = Acl::ToText(*acl);
  ReplyQueue* queue = reply->queue;
  queue->Push(std::move(reply));
}

class Walk {
 public:
  Walk(ZkSession& session, std::string root, int max_in_flight, size_t max_bytes,
       const std::function<void(marathon::BackupItem&&)>& emit, Fingerprints* prints,
       bool with_acls)
      : session_(session),
        root_(std::move(root)),
        max_in_flight_(max_in_flight),
        max_bytes_(max_bytes),
        emit_(emit),
        prints_(prints),
        with_acls_(with_acls) {}

  ~Walk() {
    // Callbacks still reference the queue: wait for them before it goes away.
    queue_.Drain();
  }

  void Run() {
    String_vector names{};
    Stat stat{};
    int rc = zoo_get_children2(session_.handle(), root_.c_str(), 0, &names, &stat);
    if (rc == ZNONODE) throw Error("nothing to back up: " + root_ + " does not exist");
    if (rc != ZOK) ThrowZkError(rc, "list", root_);
    std::vector<std::string> categories(names.data, names.data + names.count);
    deallocate_String_vector(&names);
    std::sort(categories.begin(), categories.end());
    Record(root_, Fingerprints::kChildren, stat.pzxid);
    for (const std::string& name : categories) {
      if (name == marathon::kStorageVersionName || name == marathon::kMigrationInProgress) continue;
      Push({kListBuckets, name, "", "", "", root_ + "/" + name});
    }
    while (Pending() || queue_.outstanding() > 0) {
      util::ThrowIfInterrupted();
      while (queue_.outstanding() < Window() && Send()) {
      }
      Handle(queue_.Pop());
    }
  }

 private:
  void Record(const std::string& path, Fingerprints::Kind kind, int64_t zxid) {
    if (prints_ != nullptr) prints_->Add(path, kind, zxid);
  }

  bool Pending() const { return queued_ > 0; }

  void Push(Request request) {
    if (!FansOut(request.kind)) ++fetches_queued_;
    todo_[request.kind].push_back(std::move(request));
    ++queued_;
  }

  // Categories and buckets fan out (a bucket may hold tens of thousands of
  // ids), so one is listed only when little is queued and no other is being
  // listed: the queue then holds about one bucket's ids, however large the
  // tree.
  static bool FansOut(Kind kind) { return kind == kListBuckets || kind == kListIds; }
  bool MayFanOut() const {
    return fanning_out_ == 0 && fetches_queued_ < static_cast<size_t>(max_in_flight_);
  }

  // Bounds the bytes replies can hold: the window shrinks as nodes get large.
  // The size estimate is a decaying maximum, so one big node shrinks the
  // window at once and it regrows over the following replies.
  int Window() const {
    size_t by_bytes = max_bytes_ / std::max<size_t>(size_estimate_, 1);
    return static_cast<int>(std::clamp<size_t>(by_bytes, 1, static_cast<size_t>(max_in_flight_)));
  }

  // Sends the deepest request that may go now; false if none may.
  bool Send() {
    auto it = std::find_if(todo_.rbegin(), todo_.rend(), [this](const auto& q) {
      return !q.empty() && (!FansOut(q.front().kind) || MayFanOut());
    });
    if (it == todo_.rend()) return false;
    auto reply = std::make_unique<Reply>();
    reply->request = std::move(it->front());
    it->pop_front();
    --queued_;
    if (FansOut(reply->request.kind)) {
      ++fanning_out_;
    } else {
      --fetches_queued_;
    }
    reply->queue = &queue_;
    const char* path = reply->request.path.c_str();
    Kind kind = reply->request.kind;
    queue_.Expect();
    Reply* context = reply.release();
    int rc = kind == kGetAcl ? zoo_aget_acl(session_.handle(), path, &OnAcl, context)
             : kind == kGetItem || kind == kGetVersion
                 ? zoo_aget(session_.handle(), path, 0, &OnData, context)
                 : zoo_aget_children2(session_.handle(), path, 0, &OnChildren, context);
    if (rc != ZOK) {
      queue_.Cancel();
      std::unique_ptr<Reply> failed(context);
      ThrowZkError(rc, "read", failed->request.path);
    }
    return true;
  }

  void Handle(std::unique_ptr<Reply> reply) {
    Request& req = reply->request;
    if (FansOut(req.kind)) --fanning_out_;
    // A node deleted while the walk runs was not part of the state we saw.
    if (reply->rc == ZNONODE) return;
    if (reply->rc != ZOK) ThrowZkError(reply->rc, "read", req.path);
    size_estimate_ = std::max(reply->data.size(), size_estimate_ - size_estimate_ / 256);
    if (req.kind == kGetAcl) {
      std::optional<marathon::OffsetTimestamp> stamp;
      if (!req.version.empty()) stamp = marathon::OffsetTimestamp::Parse(req.version);
      emit_(marathon::BackupItem{req.category, req.id, stamp, std::move(req.data),
                                 std::move(reply->acl)});
      return;
    }
    if (prints_ != nullptr) {
      if (req.kind == kGetItem && reply->stat.numChildren == 0) {
        // An item without versions is not listed; its pzxid still tells
        // whether a version appears later. One check covers both.
        prints_->AddBoth(req.path, reply->stat.mzxid, reply->stat.pzxid);
      } else {
        bool get = req.kind == kGetItem || req.kind == kGetVersion;
        prints_->Add(req.path, get ? Fingerprints::kData : Fingerprints::kChildren,
                     get ? reply->stat.mzxid : reply->stat.pzxid);
      }
    }
    switch (req.kind) {
      case kListBuckets:
        for (auto& bucket : reply->children) {
          Push({kListIds, req.category, bucket, "", "", req.path + "/" + bucket});
        }
        break;
      case kListIds:
        for (auto& id : reply->children) {
          Push({kGetItem, req.category, req.bucket, id, "", req.path + "/" + id});
        }
        break;
      case kGetItem:
        if (!reply->data.empty()) {
          if (with_acls_) {  // emitted once its ACL is read
            Push({kGetAcl, req.category, req.bucket, req.id, "", req.path, std::move(reply->data)});
          } else {
            emit_(marathon::BackupItem{req.category, req.id, std::nullopt, std::move(reply->data)});
          }
        }
        if (reply->stat.numChildren > 0) {
          Push({kListVersions, req.category, req.bucket, req.id, "", req.path});
        }
        break;
      case kListVersions:
        for (auto& version : reply->children) {
          Push({kGetVersion, req.category, req.bucket, req.id, version, req.path + "/" + version});
        }
        break;
      case kGetVersion: {
        auto stamp = marathon::OffsetTimestamp::Parse(req.version);
        if (!stamp) {
          throw Error("unexpected node " + req.path +
                      ": a version node must be named by an ISO-8601 offset date-time");
        }
        if (reply->stat.numChildren > 0) {
          spdlog::warn(
              "node {} has children, which are not part of Marathon's layout; "
              "they are not backed up",
              req.path);
        }
        if (with_acls_) {
          Push({kGetAcl, req.category, req.bucket, req.id, req.version, req.path,
                std::move(reply->data)});
        } else {
          emit_(marathon::BackupItem{req.category, req.id, stamp, std::move(reply->data)});
        }
        break;
      }
      case kGetAcl:
      case kKinds:
        break;
    }
  }

  ZkSession& session_;
  std::string root_;
  int max_in_flight_;
  size_t max_bytes_;
  const std::function<void(marathon::BackupItem&&)>& emit_;
  Fingerprints* prints_;
  bool with_acls_;
  std::array<std::deque<Request>, kKinds> todo_;
  size_t queued_ = 0;          // requests in todo_
  size_t fetches_queued_ = 0;  // of which do not fan out
  int fanning_out_ = 0;        // category and bucket listings in flight
  ReplyQueue queue_;
  size_t size_estimate_ = 4096;
};

}  // namespace

TreeReader::TreeReader(ZkSession& session, int max_in_flight, size_t max_bytes_in_flight,
                       bool with_acls)
    : session_(session),
      max_in_flight_(max_in_flight),
      max_bytes_in_flight_(max_bytes_in_flight),
      with_acls_(with_acls) {}

void TreeReader::Read(const std::string& state_root,
                      const std::function<void(marathon::BackupItem&&)>& emit,
                      Fingerprints* prints) {
  Walk(session_, state_root, max_in_flight_, max_bytes_in_flight_, emit, prints, with_acls_).Run();
  // The storage version comes last, as in Marathon's backups.
  std::string name(marathon::kStorageVersionName);
  Stat stat{};
  if (auto data = session_.Get(state_root + "/" + name, &stat)) {
    if (prints != nullptr) prints->Add(state_root + "/" + name, Fingerprints::kData, stat.mzxid);
    emit(marathon::BackupItem{name, name, std::nullopt, marathon::UnwrapStoreEntry(*data)});
  }
}

uint64_t TreeReader::CountIds(ZkSession& session, const std::string& state_root) {
  uint64_t ids = 0;
  for (const std::string& category :
       session.Children(state_root).value_or(std::vector<std::string>{})) {
    if (category == marathon::kStorageVersionName || category == marathon::kMigrationInProgress) {
      continue;
    }
    const std::string category_path = state_root + "/" + category;
    for (const std::string& bucket :
         session.Children(category_path).value_or(std::vector<std::string>{})) {
      Stat stat{};
      if (session.Get(category_path + "/" + bucket, &stat)) ids += stat.numChildren;
    }
  }
  return ids;
}

}  // namespace baton::zk
