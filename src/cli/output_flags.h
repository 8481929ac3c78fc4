// What every command that has a result prints (all but serve), by the same
// rules: its result as text on stdout, or as one JSON object on one line with
// --json, or nothing with -q/--quiet (which also keeps the logs to warnings
// and errors). backup, restore and recover also show their progress
// (--progress, --progress_interval). Every one can update a node_exporter
// textfile (--metrics_file) and run a hook when it fails (--on_failure), so
// that a cron job is monitored as the agent is.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/progress_reporter.h"

namespace baton::cli {

// The text log line: local time with its offset from UTC, level, message.
inline constexpr char kTextLogPattern[] = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v";

// A command's result: `json` with --json, else `text`; and its exit code
// (0, or kExitDiffers for diff --exit_code).
struct Result {
  nlohmann::json json;
  std::string text;
  int exit_code = 0;
};

struct OutputFlags {
  bool quiet = false;
  bool json = false;
  std::string progress = "auto";
  double progress_interval_s = 10;
  // node_exporter textfile to update after the command (--metrics_file).
  std::string metrics_file;
  // Shell command run after a failure (--on_failure).
  std::string on_failure;

  // -q/--quiet and --json; `with_progress`: --progress and
  // --progress_interval too.
  void AddTo(CLI::App& cmd, bool with_progress);
  // How progress shows: a bar when stderr is a terminal with text logs, else
  // log lines; nothing with --quiet or --progress none.
  ProgressReporter Reporter(const CLI::App& cmd) const;
  // Runs `operation` with `listener` (the options' progress) showing its
  // progress; returns what it returns.
  template <typename Operation>
  auto WithProgress(const CLI::App& cmd, ProgressListener& listener, Operation operation) const {
    ProgressReporter reporter = Reporter(cmd);
    listener = reporter.Listener();
    auto result = operation();
    reporter.Finish();
    listener = nullptr;
    return result;
  }
  // Applies --quiet to the log level, runs `run` and prints its result. The
  // JSON gets "command", "seconds" (that the run took) and "peak_rss_mb".
  // Then updates --metrics_file, and runs --on_failure if `run` threw (what
  // it threw is thrown on). Returns the result's exit code.
  int Run(const CLI::App& cmd, const std::function<Result()>& run) const;
};

}  // namespace baton::cli
