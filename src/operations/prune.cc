#include "baton/prune.h"

#include <spdlog/spdlog.h>

#include "baton/error.h"
#include "operations/retention.h"
#include "storage/backup_store.h"

namespace baton {

PruneResult Prune(const PruneOptions& options) {
  const RetentionPolicy& policy = options.policy;
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
  PruneResult result;
  std::vector<std::chrono::system_clock::time_point> times;
  for (CatalogueEntry& entry : ListBackups(options.prefix)) {
    if (entry.record && !options.source_path.empty() &&
        entry.record->zk_path != options.source_path) {
      continue;  // another source's: not this policy's to count or delete
    }
    if (!entry.record || !entry.time) {
      result.unrecorded.push_back(std::move(entry));
      continue;
    }
    times.push_back(*entry.time);
    result.decisions.push_back({std::move(entry), {}});
  }
  std::vector<std::vector<std::string>> reasons = operations::Retain(times, policy);
  for (size_t i = 0; i < reasons.size(); ++i) result.decisions[i].reasons = std::move(reasons[i]);
  // The newest valid backup stays, whatever the policy says (decisions are
  // newest first).
  for (PruneDecision& decision : result.decisions) {
    if (!decision.backup.valid()) continue;
    if (decision.reasons.empty()) decision.reasons.push_back("newest valid");
    break;
  }
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
