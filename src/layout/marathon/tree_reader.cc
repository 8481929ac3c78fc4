#include "layout/marathon/tree_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>

#include "baton/error.h"
#include "layout/marathon/storage_version.h"
#include "util/interrupt.h"
#include "zk/node_reader.h"

namespace baton::marathon {
namespace {

using zk::Fingerprints;
using zk::NodeRead;

// Requests in the order of the tree's levels. The deepest pending kind is
// always sent first, so the frontier (and memory) stays small.
enum Kind { kListBuckets, kListIds, kGetItem, kListVersions, kGetVersion, kGetAcl, kKinds };

struct Request {
  Kind kind;
  std::string category, bucket, id, version;
  std::string path;
  std::string data = {};  // kGetAcl: the node's data, read before
};

// A read that carries the request it answers.
struct WalkRead : NodeRead {
  explicit WalkRead(Request r)
      : NodeRead(r.kind == kGetAcl                             ? kAcl
                 : r.kind == kGetItem || r.kind == kGetVersion ? kData
                                                               : kChildren,
                 r.path),
        request(std::move(r)) {}
  Request request;
};

class Walk {
 public:
  Walk(zk::NodeReader& reader, std::string root, int max_in_flight, size_t max_bytes,
       const std::function<void(BackupItem&&)>& emit, Fingerprints* prints, bool with_acls)
      : reader_(reader),
        root_(std::move(root)),
        max_in_flight_(max_in_flight),
        max_bytes_(max_bytes),
        emit_(emit),
        prints_(prints),
        with_acls_(with_acls) {}

  void Run() {
    reader_.Send(std::make_unique<NodeRead>(NodeRead::kChildren, root_));
    std::unique_ptr<NodeRead> root = reader_.Take();
    if (root->rc == ZNONODE) throw Error("nothing to back up: " + root_ + " does not exist");
    if (root->rc != ZOK) zk::ThrowZkError(root->rc, "list", root_);
    Record(root_, Fingerprints::kChildren, root->stat.pzxid, root->stat.dataLength);
    for (const std::string& name : root->children) {
      if (name == kStorageVersionName || name == kMigrationInProgress) continue;
      Push({kListBuckets, name, "", "", "", root_ + "/" + name});
    }
    while (Pending() || reader_.outstanding() > 0) {
      util::ThrowIfInterrupted();
      while (reader_.outstanding() < Window() && Send()) {
      }
      std::unique_ptr<NodeRead> done = reader_.Take();
      Handle(static_cast<WalkRead&>(*done));
    }
  }

 private:
  void Record(const std::string& path, Fingerprints::Kind kind, int64_t zxid, int32_t length) {
    if (prints_ != nullptr) prints_->Add(path, kind, zxid, length);
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
    auto read = std::make_unique<WalkRead>(std::move(it->front()));
    it->pop_front();
    --queued_;
    if (FansOut(read->request.kind)) {
      ++fanning_out_;
    } else {
      --fetches_queued_;
    }
    reader_.Send(std::move(read));
    return true;
  }

  void Handle(WalkRead& read) {
    Request& req = read.request;
    if (FansOut(req.kind)) --fanning_out_;
    // A node deleted while the walk runs was not part of the state we saw.
    if (read.rc == ZNONODE) return;
    if (read.rc != ZOK) zk::ThrowZkError(read.rc, "read", req.path);
    size_estimate_ = std::max(read.data.size(), size_estimate_ - size_estimate_ / 256);
    if (req.kind == kGetAcl) {
      std::optional<OffsetTimestamp> stamp;
      if (!req.version.empty()) stamp = OffsetTimestamp::Parse(req.version);
      emit_(BackupItem{req.category, req.id, stamp, std::move(req.data), std::move(read.acl)});
      return;
    }
    RecordPrints(read);
    if (req.kind == kGetItem || req.kind == kGetVersion) {
      Fetched(req, read);
      return;
    }
    // A listing: one more level below.
    Kind next = req.kind == kListBuckets ? kListIds : req.kind == kListIds ? kGetItem : kGetVersion;
    for (auto& child : read.children) {
      Request r{next, req.category, req.bucket, req.id, req.version, req.path + "/" + child};
      (next == kListIds ? r.bucket : next == kGetItem ? r.id : r.version) = child;
      Push(std::move(r));
    }
  }

  void RecordPrints(const WalkRead& read) {
    if (prints_ == nullptr) return;
    const Request& req = read.request;
    if (req.kind == kGetItem && read.stat.numChildren == 0) {
      // An item without versions is not listed; its pzxid still tells
      // whether a version appears later. One check covers both.
      prints_->AddBoth(req.path, read.stat.mzxid, read.stat.pzxid, read.stat.dataLength);
    } else {
      bool get = req.kind == kGetItem || req.kind == kGetVersion;
      prints_->Add(req.path, get ? Fingerprints::kData : Fingerprints::kChildren,
                   get ? read.stat.mzxid : read.stat.pzxid, read.stat.dataLength);
    }
  }

  // An item's or a version's value: emitted, or first its ACL read.
  void Fetched(Request& req, WalkRead& read) {
    std::optional<OffsetTimestamp> stamp;
    if (req.kind == kGetVersion) {
      stamp = OffsetTimestamp::Parse(req.version);
      if (!stamp) {
        throw Error("unexpected node " + req.path +
                    ": a version node must be named by an ISO-8601 offset date-time");
      }
      if (read.stat.numChildren > 0) {
        spdlog::warn(
            "node {} has children, which are not part of Marathon's layout; "
            "they are not backed up",
            req.path);
      }
    }
    // An item with an empty value has no current value (Marathon's "none").
    bool has_value = req.kind == kGetVersion || !read.data.empty();
    if (has_value && with_acls_) {  // emitted once its ACL is read
      Push(
          {kGetAcl, req.category, req.bucket, req.id, req.version, req.path, std::move(read.data)});
    } else if (has_value) {
      emit_(BackupItem{req.category, req.id, stamp, std::move(read.data)});
    }
    if (req.kind == kGetItem && read.stat.numChildren > 0) {
      Push({kListVersions, req.category, req.bucket, req.id, "", req.path});
    }
  }

  zk::NodeReader& reader_;
  std::string root_;
  int max_in_flight_;
  size_t max_bytes_;
  const std::function<void(BackupItem&&)>& emit_;
  Fingerprints* prints_;
  bool with_acls_;
  std::array<std::deque<Request>, kKinds> todo_;
  size_t queued_ = 0;          // requests in todo_
  size_t fetches_queued_ = 0;  // of which do not fan out
  int fanning_out_ = 0;        // category and bucket listings in flight
  size_t size_estimate_ = 4096;
};

}  // namespace

TreeReader::TreeReader(zk::ZkSession& session, zk::NodeReader& reader, int max_in_flight,
                       size_t max_bytes_in_flight, bool with_acls)
    : session_(session),
      reader_(reader),
      max_in_flight_(max_in_flight),
      max_bytes_in_flight_(max_bytes_in_flight),
      with_acls_(with_acls) {}

void TreeReader::Read(const std::string& state_root, const std::function<void(BackupItem&&)>& emit,
                      Fingerprints* prints) {
  Walk(reader_, state_root, max_in_flight_, max_bytes_in_flight_, emit, prints, with_acls_).Run();
  // The storage version comes last, as in Marathon's backups.
  std::string name(kStorageVersionName);
  Stat stat{};
  if (auto data = session_.Get(state_root + "/" + name, &stat)) {
    if (prints != nullptr) {
      prints->Add(state_root + "/" + name, Fingerprints::kData, stat.mzxid, stat.dataLength);
    }
    emit(BackupItem{name, name, std::nullopt, UnwrapStoreEntry(*data)});
  }
}

uint64_t TreeReader::CountIds(zk::ZkSession& session, const std::string& state_root) {
  uint64_t ids = 0;
  for (const std::string& category :
       session.Children(state_root).value_or(std::vector<std::string>{})) {
    if (category == kStorageVersionName || category == kMigrationInProgress) {
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

}  // namespace baton::marathon
