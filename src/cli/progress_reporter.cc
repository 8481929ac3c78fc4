#include "cli/progress_reporter.h"

#include <spdlog/spdlog.h>

#include <cmath>

namespace baton::cli {
namespace {

std::string Megabytes(uint64_t bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

}  // namespace

ProgressReporter::ProgressReporter(Style style, std::chrono::milliseconds interval,
                                   std::FILE* terminal)
    : style_(style), interval_(interval), terminal_(terminal) {}

ProgressReporter::~ProgressReporter() {
  if (style_ == Style::kBar && active_) {
    std::fputc('\n', terminal_);
    std::fflush(terminal_);
  }
}

ProgressListener ProgressReporter::Listener() {
  if (style_ == Style::kNone) return {};
  return [this](const Progress& progress) { Report(progress); };
}

void ProgressReporter::Report(const Progress& progress) {
  Clock::time_point now = Clock::now();
  if (active_ && progress.phase != last_.phase) Finish();
  if (!active_) {
    active_ = true;
    logged_ = false;
    phase_started_ = last_output_ = now;
  }
  last_ = progress;
  if (progress.finished) {
    Finish();
    return;
  }
  auto due = style_ == Style::kBar ? std::chrono::milliseconds(100) : interval_;
  if (now - last_output_ < due) return;
  last_output_ = now;
  Draw(false);
}

void ProgressReporter::Finish() {
  if (!active_) return;
  active_ = false;
  if (style_ == Style::kBar) {
    if (last_.fraction >= 0) last_.fraction = 1;
    Draw(true);
    std::fputc('\n', terminal_);
    std::fflush(terminal_);
  } else if (style_ == Style::kLog && logged_) {
    Draw(true);  // a phase long enough to be logged also logs its end
  }
}

void ProgressReporter::Draw(bool finished) {
  double seconds = std::chrono::duration<double>(Clock::now() - phase_started_).count();
  if (style_ == Style::kBar) {
    // Back to the line's start and clear it: the bar is redrawn in place.
    std::fprintf(terminal_, "\r\033[K%s", Describe(last_, seconds, true, finished).c_str());
    std::fflush(terminal_);
  } else if (style_ == Style::kLog) {
    spdlog::info("progress: {}", Describe(last_, seconds, false, finished));
    logged_ = true;
  }
}

std::string ProgressReporter::Duration(double seconds) {
  auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

std::string ProgressReporter::Describe(const Progress& progress, double seconds, bool bar,
                                       bool finished) {
  std::string line = fmt::format("{:<8} ", PhaseName(progress.phase));
  if (bar && progress.fraction >= 0) {
    constexpr int kWidth = 24;
    int filled = static_cast<int>(progress.fraction * kWidth);
    // Appended: "[" + std::string makes GCC 12 warn (-Wrestrict, falsely) at -O3.
    line.append("[").append(filled, '#').append(kWidth - filled, '.').append("] ");
  }
  if (progress.fraction >= 0) line += fmt::format("{:3.0f}% ", progress.fraction * 100);
  double rate = seconds > 0 ? 1 / seconds : 0;
  line += fmt::format("{} entries, {}, {:.0f} entries/s, {}/s", progress.entries,
                      Megabytes(progress.bytes), progress.entries * rate,
                      Megabytes(static_cast<uint64_t>(progress.bytes * rate)));
  if (finished) {
    line += ", done in " + Duration(seconds);
  } else if (progress.fraction > 0.01) {
    line += ", ETA " + Duration(seconds * (1 - progress.fraction) / progress.fraction);
  } else {
    line += ", " + Duration(seconds) + " so far";
  }
  return line;
}

}  // namespace baton::cli
