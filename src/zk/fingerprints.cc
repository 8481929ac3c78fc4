#include "zk/fingerprints.h"

#include <cinttypes>
#include <cstdio>
#include <memory>

#include "baton/error.h"
#include "zk/node_reader.h"

namespace baton::zk {
namespace {

// A stat read that knows what the walk saw of the node.
struct Check : NodeRead {
  Check(std::string path_in, Fingerprints::Kind kind_in, int64_t zxid_in, int64_t pzxid_in)
      : NodeRead(kStat, std::move(path_in)), kind(kind_in), zxid(zxid_in), pzxid(pzxid_in) {}
  Fingerprints::Kind kind;
  int64_t zxid;
  int64_t pzxid;  // kBoth: zxid is the mzxid
};

bool Unchanged(const NodeRead& read) {
  const auto& c = static_cast<const Check&>(read);
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

// A record's line: "<kind> <zxid> <pzxid> <data length> <path>". Node names
// cannot hold a newline, so a line per record is safe.
std::unique_ptr<Check> ParseRecord(const std::string& line) {
  char kind = 0;
  long long zxid = 0, pzxid = 0;
  int length = -1, path_at = 0;
  if (std::sscanf(line.c_str(), "%c %lld %lld %d %n", &kind, &zxid, &pzxid, &length, &path_at) !=
      4) {
    throw Error("the consistency check's temporary file is damaged");
  }
  auto check = std::make_unique<Check>(line.substr(static_cast<size_t>(path_at)),
                                       static_cast<Fingerprints::Kind>(kind), zxid, pzxid);
  check->size_hint = length;
  return check;
}

}  // namespace

void Fingerprints::Add(const std::string& path, Kind kind, int64_t zxid, int32_t data_length) {
  Write(path, kind, zxid, 0, data_length);
}

void Fingerprints::AddBoth(const std::string& path, int64_t mzxid, int64_t pzxid,
                           int32_t data_length) {
  Write(path, kBoth, mzxid, pzxid, data_length);
  newest_ = std::max(newest_, pzxid);
}

void Fingerprints::Write(const std::string& path, Kind kind, int64_t zxid, int64_t pzxid,
                         int32_t length) {
  char head[80];
  std::snprintf(head, sizeof head, "%c %" PRId64 " %" PRId64 " %" PRId32 " ", kind, zxid, pzxid,
                length);
  spill_.Add(head + path);
  if (count_++ == 0) first_ = zxid;
  newest_ = std::max(newest_, zxid);
}

std::optional<std::string> Fingerprints::FirstChange(NodeReader& reader, int max_in_flight) {
  std::optional<std::string> changed;
  std::string line;
  spill_.Rewind();
  while (!changed && spill_.Next(line)) {
    while (reader.outstanding() >= max_in_flight) {
      auto done = reader.Take();
      if (!changed && !Unchanged(*done)) changed = done->path;
    }
    if (!changed) reader.Send(ParseRecord(line));
  }
  while (reader.outstanding() > 0) {
    auto done = reader.Take();
    if (!changed && !Unchanged(*done)) changed = done->path;
  }
  return changed;
}

}  // namespace baton::zk
