#include "layout/marathon/runtime_configuration.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "baton/error.h"
#include "layout/marathon/backup_item.h"
#include "storage/backup_location.h"
#include "zk/multi_op.h"

namespace baton::marathon {
namespace {

std::string NodePath(const std::string& state_root) {
  return BackupItem{"runtime-configuration", "id", std::nullopt, ""}.NodePath(state_root);
}

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string Redact(const std::string& uri) {
  return storage::BackupLocation::Parse(uri).Redacted();
}

}  // namespace

std::string RuntimeSecretsPath(const std::string& zk_path) {
  return zk_path + "/baton/runtime-secrets";
}

RuntimeConfiguration RuntimeConfiguration::Redacted() const {
  RuntimeConfiguration out;
  if (backup) out.backup = Redact(*backup);
  if (restore) out.restore = Redact(*restore);
  return out;
}

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

RuntimeConfiguration::Proposal RuntimeConfiguration::Propose(zk::ZkSession& session,
                                                             const std::string& zk_path,
                                                             const std::string& fence) const {
  const std::string node = NodePath(zk_path + "/state"), secrets = RuntimeSecretsPath(zk_path);
  const std::string redacted = Redacted().ToJson(), whole = ToJson();
  for (int attempt = 1;; ++attempt) {
    Stat stat{};
    std::optional<std::string> current = session.Get(node, &stat);
    if (current && !current->empty() && !FromJson(*current).empty()) return Proposal::kPending;
    session.EnsureContainers(Parent(node));
    session.EnsureContainers(Parent(secrets));
    zk::MultiOp op;
    op.Fence(fence);
    if (current) {
      op.Set(node, redacted, stat.version);
    } else {
      op.Create(node, redacted);
    }
    // Made afresh, so that it carries this session's ACL whoever made it before.
    if (session.Exists(secrets)) op.Delete(secrets);
    op.Create(secrets, whole);
    size_t failed = 0;
    int rc = ZOK;
    try {
      rc = op.TryRun(session, &failed);
    } catch (const zk::LockLost&) {
      return Proposal::kNotLeader;
    }
    if (rc == ZOK) return Proposal::kStored;
    if (failed == 1 && (rc == ZBADVERSION || rc == ZNODEEXISTS)) return Proposal::kPending;
    // A container parent reaped, or the secrets' node changed meanwhile.
    if (attempt < 3 && (rc == ZNONODE || rc == ZNODEEXISTS)) continue;
    zk::ThrowZkError(rc, "store the runtime configuration at", node);
  }
}

RuntimeConfiguration RuntimeConfiguration::Take(zk::ZkSession& session,
                                                const std::string& zk_path) {
  const std::string state = zk_path + "/state", secrets = RuntimeSecretsPath(zk_path);
  const RuntimeConfiguration stored = Read(session, state);
  std::optional<std::string> text = session.Get(secrets);
  const RuntimeConfiguration whole =
      text && !text->empty() ? FromJson(*text) : RuntimeConfiguration{};
  RuntimeConfiguration out = stored;
  // The whole location only where the state holds it redacted: a left-over
  // of an older request, or a node Marathon wrote, does not mix in.
  if (whole.backup && stored.backup && Redact(*whole.backup) == *stored.backup) {
    out.backup = whole.backup;
  }
  if (whole.restore && stored.restore && Redact(*whole.restore) == *stored.restore) {
    out.restore = whole.restore;
  }
  if (!stored.empty()) RuntimeConfiguration{}.Write(session, state);
  session.Delete(secrets);
  return out;
}

}  // namespace baton::marathon
