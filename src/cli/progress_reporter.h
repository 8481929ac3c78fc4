// Shows the progress of a backup or restore: a bar redrawn in place on a
// terminal (entries, bytes, rate, share done, ETA), or a log line now and
// then when stderr is a file or pipe, or nothing.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "baton/progress.h"

namespace baton::cli {

class ProgressReporter {
 public:
  enum class Style { kNone, kBar, kLog };

  // `interval`: between log lines (bars are redrawn ten times a second).
  ProgressReporter(Style style, std::chrono::milliseconds interval, std::FILE* terminal = stderr);
  // Ends a bar's line, so that what follows (an error) starts on its own.
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // A listener for BackupOptions/RestoreOptions; empty with kNone.
  ProgressListener Listener();
  void Report(const Progress& progress);
  // The phase is over: a bar shows its last state and ends its line.
  void Finish();

  // "12s", "3m05s", "1h02m".
  static std::string Duration(double seconds);
  // One line describing `progress` after `seconds` of its phase.
  static std::string Describe(const Progress& progress, double seconds, bool bar, bool finished);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(bool finished);

  Style style_;
  std::chrono::milliseconds interval_;
  std::FILE* terminal_;
  Progress last_;
  bool active_ = false;  // a phase has reported and not finished
  bool logged_ = false;  // a log line was written for the phase
  Clock::time_point phase_started_, last_output_;
};

}  // namespace baton::cli
