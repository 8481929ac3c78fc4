// Prune: deletes the backups under a directory or S3 prefix that a
// retention policy does not keep. It only ever deletes valid backups Baton
// wrote (those with a catalogue record beside them that they match,
// baton/catalogue.h), with their records. Each source (ensemble, path,
// layout) is a series of its own, and the newest backup of each is kept;
// damaged backups and objects it does not recognise are left alone.
#pragma once

#include <string>
#include <vector>

#include "baton/catalogue.h"

namespace baton {

// restic's semantics (`restic forget --keep-*`): the newest `keep_last`
// backups; and for each of the newest `keep_hourly` hours (days, ISO weeks,
// months, in UTC) that hold a backup, the newest backup of that period. 0:
// the rule keeps nothing. At least one rule must be set.
struct RetentionPolicy {
  int keep_last = 0;
  int keep_hourly = 0;
  int keep_daily = 0;
  int keep_weekly = 0;
  int keep_monthly = 0;

  bool empty() const {
    return keep_last + keep_hourly + keep_daily + keep_weekly + keep_monthly == 0;
  }
};

struct PruneOptions {
  std::string prefix;  // file:///dir or s3://bucket/prefix/. Required.
  RetentionPolicy policy;
  bool dry_run = false;  // decide and report, delete nothing
  // Only the backups of this source count and may be deleted (the agent's
  // own); empty: every source, each as its own series.
  std::string source_hosts = "";
  std::string source_path = "";
};

struct PruneDecision {
  CatalogueEntry backup;
  std::vector<std::string> reasons;  // why it is kept ("last", "daily", ...); empty: deleted
};

struct PruneResult {
  std::vector<PruneDecision> decisions;  // the valid backups Baton wrote, newest first
  // Backups without a record: never deleted, not counted by the policy.
  std::vector<CatalogueEntry> unrecorded;
  // Recorded backups that do not match their records: never deleted.
  std::vector<CatalogueEntry> damaged;
  size_t deleted = 0;
};

// Throws baton::Error (kInvalidInput) for an empty policy or a negative
// count; what is deleted is deleted in batches, backup before its record.
PruneResult Prune(const PruneOptions& options);

}  // namespace baton
