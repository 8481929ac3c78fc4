// The runtime configuration the leader endpoint leaves for the next leader:
// category "runtime-configuration", id "id", JSON {"backup": URI, "restore": URI}.
// A location's secrets (S3 keys) must not land in the state, which backups
// copy: the state holds the locations redacted, as Marathon's node, and the
// whole locations wait beside it, at <path>/baton/runtime-secrets.
#pragma once

#include <optional>
#include <string>

#include "zk/zk_session.h"

namespace baton::marathon {

struct RuntimeConfiguration {
  std::optional<std::string> backup;
  std::optional<std::string> restore;

  bool empty() const { return !backup && !restore; }
  // The locations with their secrets replaced by "***".
  RuntimeConfiguration Redacted() const;

  // Marathon's node only, as stored.
  static RuntimeConfiguration Read(zk::ZkSession& session, const std::string& state_root);
  void Write(zk::ZkSession& session, const std::string& state_root) const;

  enum class Proposal { kStored, kPending, kNotLeader };
  // Leaves this configuration for the next leader of the service at
  // `zk_path`: redacted in the state, whole beside it (both with the
  // session's ACL), in one multi-op that checks `fence` (the term's election
  // node) and the version of the state's node it read. kPending when another
  // configuration waits or got in first; kNotLeader when `fence` is gone.
  Proposal Propose(zk::ZkSession& session, const std::string& zk_path,
                   const std::string& fence) const;
  // What the previous leader left, whole, and resets it (the state's node to
  // {}, the secrets' node deleted). A state node that Marathon wrote, with no
  // whole locations beside it, is taken as it is.
  static RuntimeConfiguration Take(zk::ZkSession& session, const std::string& zk_path);

  std::string ToJson() const;
  // Throws baton::Error on text that is not such a JSON object.
  static RuntimeConfiguration FromJson(const std::string& json);
};

// Where the whole locations wait: outside <path>/state.
std::string RuntimeSecretsPath(const std::string& zk_path);

}  // namespace baton::marathon
