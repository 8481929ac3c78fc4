#include "cli/output_flags.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace baton::cli {

void OutputFlags::AddTo(CLI::App& cmd, bool with_progress) {
  cmd.add_flag("-q,--quiet", quiet, "Print nothing but warnings and errors");
  cmd.add_flag("--json", json, "Print the result as one JSON object on stdout");
  if (!with_progress) return;
  cmd.add_option("--progress", progress,
                 "auto (a bar on a terminal, else log lines), bar, log, or none")
      ->check(CLI::IsMember({"auto", "bar", "log", "none"}))
      ->capture_default_str();
  cmd.add_option("--progress_interval", progress_interval_s, "Seconds between progress log lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

ProgressReporter OutputFlags::Reporter(const CLI::App& cmd) const {
  auto interval = std::chrono::milliseconds(static_cast<int64_t>(progress_interval_s * 1000));
  if (quiet || progress == "none") return {ProgressReporter::Style::kNone, interval};
  if (progress == "log") return {ProgressReporter::Style::kLog, interval};
  bool text_logs = cmd.get_parent()->get_option("--log_format")->as<std::string>() == "text";
  if (progress == "bar" || (isatty(STDERR_FILENO) && text_logs)) {
    // Log lines clear the bar's line first; the next update redraws it.
    if (text_logs) spdlog::set_pattern(std::string("\r\033[K") + kTextLogPattern);
    return {ProgressReporter::Style::kBar, interval};
  }
  return {ProgressReporter::Style::kLog, interval};
}

namespace {

// This process's peak resident memory (VmHWM) in MB, 0 if unknown. Unlike
// getrusage's ru_maxrss, it counts only this program's own memory, not the
// parent's that a vfork-spawned child briefly shared.
double PeakRssMb() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  }
  std::fclose(status);
  return kb / 1024.0;
}

}  // namespace

void OutputFlags::Run(const CLI::App& cmd, const std::function<Result()>& run) const {
  if (quiet && spdlog::get_level() < spdlog::level::warn) spdlog::set_level(spdlog::level::warn);
  auto started = std::chrono::steady_clock::now();
  Result result = run();
  std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
  if (json) {
    result.json["command"] = cmd.get_name();
    result.json["seconds"] = seconds.count();
    result.json["peak_rss_mb"] = PeakRssMb();
    std::printf("%s\n", result.json.dump().c_str());
  } else if (!quiet) {
    std::printf("%s\n", result.text.c_str());
  }
  std::fflush(stdout);
}

}  // namespace baton::cli
