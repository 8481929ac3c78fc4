// --keep_last, --keep_hourly, ... of baton prune and baton agent.
#pragma once

#include <CLI/CLI.hpp>

#include "baton/prune.h"

namespace baton::cli {

inline void AddRetentionFlags(CLI::App& cmd, RetentionPolicy& policy) {
  auto positive = CLI::Range(0, 1'000'000);
  cmd.add_option("--keep_last", policy.keep_last, "Keep the newest N backups")->check(positive);
  cmd.add_option("--keep_hourly", policy.keep_hourly,
                 "Keep the newest backup of each of the newest N hours that have one (UTC)")
      ->check(positive);
  cmd.add_option("--keep_daily", policy.keep_daily, "The same for days")->check(positive);
  cmd.add_option("--keep_weekly", policy.keep_weekly, "The same for ISO weeks")->check(positive);
  cmd.add_option("--keep_monthly", policy.keep_monthly, "The same for months")->check(positive);
}

}  // namespace baton::cli
