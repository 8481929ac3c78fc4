#include "operations/validation.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "archive/manifest.h"
#include "baton/error.h"
#include "layout/layout.h"
#include "util/printable.h"

namespace baton::operations {
namespace {

// A mistyped --zk path would otherwise "restore" into a new, unused tree and
// report success. Marathon's tars do not say where they came from.
void CheckPath(zk::ZkSession& session, const RestoreOptions& options,
               const BackupSummary& summary) {
  const std::string& target = options.zk.path;
  if (summary.manifest_json.empty()) {
    if (!session.Exists(layout::Named(options.layout).ScopeOf(options.zk).data)) {
      spdlog::warn(
          "no state exists at {}: the backup (Marathon format) does not say which path it was "
          "taken from, so check that {} is the path meant",
          target, target);
    } else {
      spdlog::info(
          "Marathon format: the backup does not say which path it was taken from, so "
          "restoring it into {} is not checked",
          target);
    }
    return;
  }
  const archive::Manifest manifest = archive::Manifest::FromJson(summary.manifest_json);
  if (manifest.zk_path == target) return;
  // The manifest is the backup's text, not ours: escaped wherever it is shown.
  const std::string source = util::Printable(manifest.zk_path);
  if (PathWithin(target, manifest.zk_path) && ShareAServer(manifest.zk_hosts, options.zk.hosts)) {
    throw Error("the backup was taken from '" + source + "' on this ensemble; restoring it into '" +
                    target +
                    "', inside that tree, would make the tree hold a copy of itself: "
                    "pick a path outside it",
                ErrorKind::kInvalidInput);
  }
  if (options.to_other_path) {
    spdlog::info("restoring the backup of '{}' into '{}' (--to_other_path)", source, target);
    return;
  }
  bool exists = session.Exists(layout::Named(options.layout).ScopeOf(options.zk).data);
  throw Error("the backup was taken from '" + source + "', not '" + target + "'" +
                  (exists ? "" : " (where no state exists: a mistyped path?)") +
                  "; pass --to_other_path to restore it into '" + target + "'",
              ErrorKind::kInvalidInput);
}

using Triple = std::tuple<unsigned, unsigned, unsigned>;

std::optional<Triple> ParseTriple(const std::string& text) {
  unsigned major = 0, minor = 0, patch = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u", &major, &minor, &patch) != 3) return std::nullopt;
  return Triple{major, minor, patch};
}

// An older backup is normal: the next leader migrates it. Neither is refused.
void CompareStorageVersions(zk::ZkSession& session, const RestoreOptions& options,
                            const BackupSummary& summary) {
  if (!summary.storage_version) return;
  std::string current;
  try {
    const layout::Layout& layout = layout::Named(options.layout);
    std::optional<std::string> now =
        layout.CurrentStorageVersion(session, layout.ScopeOf(options.zk).data);
    if (!now) return;
    current = std::move(*now);
  } catch (const layout::UnreadableNode& e) {
    spdlog::info("the storage version in ZooKeeper cannot be read ({}); it is replaced", e.what());
    return;
  }
  auto ours = ParseTriple(*summary.storage_version), theirs = ParseTriple(current);
  if (!ours || !theirs || *ours == *theirs) return;
  if (*ours < *theirs) {
    spdlog::info(
        "the backup's storage version {} is older than the one in ZooKeeper ({}): "
        "normal, the next leader migrates it",
        util::Printable(*summary.storage_version), util::Printable(current));
  } else {
    spdlog::warn(
        "the backup's storage version {} is newer than the one in ZooKeeper ({}): "
        "only a leader of that version or newer can use it",
        util::Printable(*summary.storage_version), util::Printable(current));
  }
}

}  // namespace

bool ShareAServer(const std::string& hosts, const std::string& other) {
  // (No std::views::split: clang 14 cannot use libstdc++ 12's.)
  auto servers = [](const std::string& list) {
    std::set<std::string> out;
    for (size_t start = 0; start <= list.size();) {
      size_t comma = std::min(list.find(',', start), list.size());
      out.insert(list.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  };
  const std::set<std::string> ours = servers(hosts);
  for (const std::string& server : servers(other)) {
    if (ours.contains(server)) return true;
  }
  return false;
}

bool PathWithin(const std::string& path, const std::string& root) {
  return path == root || root == "/" || path.starts_with(root + "/");
}

void CheckTarget(zk::ZkSession& session, const RestoreOptions& options,
                 const BackupSummary& summary) {
  CheckPath(session, options, summary);
  CompareStorageVersions(session, options, summary);
}

}  // namespace baton::operations
