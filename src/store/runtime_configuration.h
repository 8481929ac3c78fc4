// The runtime configuration the leader endpoint leaves for the next leader:
// category "runtime-configuration", id "id", JSON {"backup": URI, "restore": URI}.
#pragma once

#include <optional>
#include <string>

#include "zk/zk_session.h"

namespace baton::store {

struct RuntimeConfiguration {
  std::optional<std::string> backup;
  std::optional<std::string> restore;

  static RuntimeConfiguration Read(zk::ZkSession& session, const std::string& state_root);
  void Write(zk::ZkSession& session, const std::string& state_root) const;
  std::string ToJson() const;
  // Throws baton::Error on text that is not such a JSON object.
  static RuntimeConfiguration FromJson(const std::string& json);
};

}  // namespace baton::store
