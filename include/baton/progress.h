// Progress of a long backup or restore, reported to an optional listener
// (the command line draws it as a bar or logs it).
#pragma once

#include <cstdint>
#include <functional>

namespace baton {

struct Progress {
  enum class Phase {
    kReading,   // backup: reading the tree
    kChecking,  // restore: validating the whole backup
    kSaving,    // restore: backing up the current state first
    kWriting,   // restore (or roll back): writing the backup's entries
  };
  Phase phase = Phase::kReading;
  uint64_t entries = 0;  // items and versions so far in this phase
  uint64_t bytes = 0;    // their node data bytes
  // Estimated share of the phase done, 0..1; negative when unknown.
  double fraction = -1;
  // The phase's last report: it is over.
  bool finished = false;
};

const char* PhaseName(Progress::Phase phase);

// Called from the thread running the operation, often (once per entry):
// listeners keep it cheap and throttle their output themselves.
using ProgressListener = std::function<void(const Progress&)>;

}  // namespace baton
