// What backup, restore and recover print: --quiet, --json, and how progress
// shows (--progress, --progress_interval).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/progress_reporter.h"

namespace baton::cli {

// The text log line: time, level, message.
inline constexpr char kTextLogPattern[] = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";

struct OutputFlags {
  bool quiet = false;
  bool json = false;
  std::string progress = "auto";
  double progress_interval_s = 10;

  void AddTo(CLI::App& cmd);
  // Applies --quiet to the log level and returns how progress shows: a bar
  // when stderr is a terminal with text logs, else log lines, else nothing.
  ProgressReporter::Style Apply(const CLI::App& cmd) const;
  std::chrono::milliseconds interval() const;
  // Apply(), then a reporter in the style chosen.
  ProgressReporter Reporter(const CLI::App& cmd) const { return {Apply(cmd), interval()}; }
  // The result: a JSON document with --json (plus the peak memory used),
  // else `text` unless --quiet.
  void Print(nlohmann::json result, const std::string& text) const;
};

}  // namespace baton::cli
