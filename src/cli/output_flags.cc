#include "cli/output_flags.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "server/agent.h"
#include "server/agent_metrics.h"

namespace baton::cli {

void OutputFlags::AddTo(CLI::App& cmd, bool with_progress) {
  cmd.add_flag("-q,--quiet", quiet, "Print nothing but warnings and errors");
  cmd.add_flag("--json", json, "Print the result as one JSON object on stdout");
  cmd.add_option("--metrics_file", metrics_file,
                 "Update this node_exporter textfile (Prometheus text, written atomically) with "
                 "the command's result, time, duration, bytes and entries");
  cmd.add_option("--on_failure", on_failure,
                 "Run this shell command if the command fails, with BATON_ERROR and "
                 "BATON_COMMAND in its environment");
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

// The textfile's samples, "name{labels}" -> value text; none if it is not there.
std::map<std::string, std::string> ReadSamples(const std::string& path) {
  std::map<std::string, std::string> samples;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space != std::string::npos) samples[line.substr(0, space)] = line.substr(space + 1);
  }
  return samples;
}

// The figures of one command's run, beside what other commands wrote there:
// the time of its last run and success, its duration, bytes and entries,
// and runs by result.
void UpdateTextfile(const std::string& path, const std::string& command,
                    const nlohmann::json* result, double seconds) {
  std::map<std::string, std::string> samples = ReadSamples(path);
  const std::string label = "{command=\"" + command + "\"}";
  auto set = [&](const std::string& name, double value) {
    samples[name + label] = fmt::format("{}", value);
  };
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  set("baton_last_run_timestamp_seconds", now);
  set("baton_last_duration_seconds", seconds);
  set("baton_last_result", result != nullptr ? 1 : 0);
  const std::string outcome = result != nullptr ? "success" : "failure";
  const std::string runs =
      "baton_runs_total{command=\"" + command + "\",result=\"" + outcome + "\"}";
  samples[runs] = fmt::format("{}", std::stod(samples.count(runs) ? samples[runs] : "0") + 1);
  if (result != nullptr) {
    set("baton_last_success_timestamp_seconds", now);
    if (result->contains("bytes")) set("baton_last_bytes", (*result)["bytes"].get<double>());
    if (result->contains("items")) {
      set("baton_last_entries", (*result)["items"].get<double>() + result->value("versions", 0.0));
    }
  }
  std::string text;
  std::string family;
  for (const auto& [name, value] : samples) {
    const std::string base = name.substr(0, name.find('{'));
    if (base != family) {
      family = base;
      text += "# TYPE " + base + (base.ends_with("_total") ? " counter\n" : " gauge\n");
    }
    text += name + " " + value + "\n";
  }
  server::WriteTextfile(path, text);
}

}  // namespace

int OutputFlags::Run(const CLI::App& cmd, const std::function<Result()>& run) const {
  if (quiet && spdlog::get_level() < spdlog::level::warn) spdlog::set_level(spdlog::level::warn);
  auto started = std::chrono::steady_clock::now();
  Result result;
  try {
    result = run();
  } catch (const std::exception& e) {
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
    if (!metrics_file.empty())
      UpdateTextfile(metrics_file, cmd.get_name(), nullptr, seconds.count());
    if (!on_failure.empty()) server::RunFailureHook(on_failure, cmd.get_name(), e.what(), "");
    throw;
  }
  std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
  if (!metrics_file.empty()) {
    UpdateTextfile(metrics_file, cmd.get_name(), &result.json, seconds.count());
  }
  if (json) {
    result.json["command"] = cmd.get_name();
    result.json["seconds"] = seconds.count();
    result.json["peak_rss_mb"] = PeakRssMb();
    std::printf("%s\n", result.json.dump().c_str());
  } else if (!quiet) {
    std::printf("%s\n", result.text.c_str());
  }
  std::fflush(stdout);
  return result.exit_code;
}

}  // namespace baton::cli
