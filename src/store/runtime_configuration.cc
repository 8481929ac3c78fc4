#include "store/runtime_configuration.h"

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "store/backup_item.h"

namespace baton::store {
namespace {

std::string NodePath(const std::string& state_root) {
  return BackupItem{"runtime-configuration", "id", std::nullopt, ""}.NodePath(state_root);
}

}  // namespace

RuntimeConfiguration RuntimeConfiguration::FromJson(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw Error("the runtime configuration is not a JSON object");
  RuntimeConfiguration config;
  for (auto [field, target] :
       {std::pair{"backup", &config.backup}, std::pair{"restore", &config.restore}}) {
    if (json.contains(field) && json[field].is_string()) *target = json[field].get<std::string>();
  }
  return config;
}

std::string RuntimeConfiguration::ToJson() const {
  nlohmann::json json = nlohmann::json::object();
  if (backup) json["backup"] = *backup;
  if (restore) json["restore"] = *restore;
  return json.dump();
}

RuntimeConfiguration RuntimeConfiguration::Read(zk::ZkSession& session,
                                                const std::string& state_root) {
  auto data = session.Get(NodePath(state_root));
  if (!data || data->empty()) return {};
  return FromJson(*data);
}

void RuntimeConfiguration::Write(zk::ZkSession& session, const std::string& state_root) const {
  session.Put(NodePath(state_root), ToJson());
}

}  // namespace baton::store
