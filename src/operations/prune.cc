#include "baton/prune.h"

#include <spdlog/spdlog.h>

#include <map>

#include "baton/error.h"
#include "operations/retention.h"
#include "storage/backup_store.h"

namespace baton {
namespace {

// Indices into PruneResult::decisions by series: one per source (ensemble,
// path and layout).
using Series = std::map<std::string, std::vector<size_t>>;

void CheckPolicy(const RetentionPolicy& policy) {
  if (policy.empty()) {
    throw Error(
        "no retention policy: give at least one of --keep_last, --keep_hourly, "
        "--keep_daily, --keep_weekly, --keep_monthly (nothing was deleted)",
        ErrorKind::kInvalidInput);
  }
  for (int count : {policy.keep_last, policy.keep_hourly, policy.keep_daily, policy.keep_weekly,
                    policy.keep_monthly}) {
    if (count < 0) throw Error("a --keep_* count cannot be negative", ErrorKind::kInvalidInput);
  }
}

// Sorts the listing of options.prefix into `result`: the valid backups of
// the source into its decisions, the others aside. Returns their series.
Series SortListing(const PruneOptions& options, PruneResult& result) {
  // Each source (ensemble, path, layout) is a series of its own, as restic
  // groups snapshots by host and paths: one cluster's schedule never
  // deletes another's backups in a shared prefix.
  Series series;
  for (CatalogueEntry& entry : ListBackups(options.prefix)) {
    if (!entry.record || !entry.time) {
      result.unrecorded.push_back(std::move(entry));
      continue;
    }
    const CatalogueRecord& r = *entry.record;
    if (!options.source_hosts.empty() && r.zk_hosts != options.source_hosts) continue;
    if (!options.source_path.empty() && r.zk_path != options.source_path) continue;
    if (!entry.valid()) {
      // Damaged (its size or checksum differs from its record): it takes no
      // place of a valid backup, and is left for the operator to look at.
      result.damaged.push_back(std::move(entry));
      continue;
    }
    series[r.zk_hosts + "\n" + r.zk_path + "\n" + r.layout].push_back(result.decisions.size());
    result.decisions.push_back({std::move(entry), {}});
  }
  return series;
}

// Gives each decision the reasons the policy keeps its backup for.
void Decide(const Series& series, const RetentionPolicy& policy, PruneResult& result) {
  for (const auto& [source, members] : series) {
    std::vector<std::chrono::system_clock::time_point> times;
    for (size_t i : members) times.push_back(*result.decisions[i].backup.time);
    std::vector<std::vector<std::string>> reasons = operations::Retain(times, policy);
    for (size_t k = 0; k < members.size(); ++k) {
      result.decisions[members[k]].reasons = std::move(reasons[k]);
    }
    // The newest backup of each source stays, whatever the policy says
    // (decisions are newest first).
    std::vector<std::string>& newest = result.decisions[members.front()].reasons;
    if (newest.empty()) newest.push_back("newest of its source");
  }
}

}  // namespace

PruneResult Prune(const PruneOptions& options) {
  CheckPolicy(options.policy);
  PruneResult result;
  Decide(SortListing(options, result), options.policy, result);
  std::vector<std::string> backups, records;
  for (const PruneDecision& decision : result.decisions) {
    if (!decision.reasons.empty()) continue;
    backups.push_back(decision.backup.name);
    records.push_back(decision.backup.name + kCatalogueSuffix);
  }
  result.deleted = backups.size();
  if (options.dry_run || backups.empty()) return result;
  std::unique_ptr<storage::BackupStore> store = storage::OpenStore(options.prefix);
  // Backups first: a record whose backup is gone is left out of listings,
  // a backup whose record is gone would be listed as foreign.
  store->Delete(backups);
  store->Delete(records);
  spdlog::info("deleted {} backup(s) from {}", backups.size(), store->Describe());
  return result;
}

}  // namespace baton
