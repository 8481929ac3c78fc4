#include "zk/sequence.h"

#include <algorithm>

namespace baton::zk {

// ZooKeeper formats the counter as %010d.
constexpr size_t kSequenceDigits = 10;

std::string_view SequenceOf(std::string_view name) {
  return name.size() >= kSequenceDigits ? name.substr(name.size() - kSequenceDigits) : name;
}

void SortBySequence(std::vector<std::string>& names) {
  std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return SequenceOf(a) < SequenceOf(b);
  });
}

std::string CreateEphemeralSequential(ZkSession& session, const std::string& dir,
                                      const std::string& name_prefix, const std::string& data,
                                      const std::string& what) {
  const std::string prefix = dir + "/" + name_prefix;
  char created[512];
  auto create = [&] {
    return zoo_create(session.handle(), prefix.c_str(), data.data(), static_cast<int>(data.size()),
                      session.acl(), ZOO_EPHEMERAL_SEQUENTIAL, created, sizeof created);
  };
  int rc = create();
  // `dir` may be a container the server removed once it was empty.
  for (int attempt = 1; rc == ZNONODE && attempt < kReapedParentAttempts; ++attempt) {
    session.EnsureContainers(dir);
    rc = create();
  }
  if (rc != ZOK) session.Fail(rc, what, dir);
  return created;
}

}  // namespace baton::zk
