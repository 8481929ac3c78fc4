#include "operations/progress_counter.h"

#include <algorithm>

namespace baton {

const char* PhaseName(Progress::Phase phase) {
  switch (phase) {
    case Progress::Phase::kReading:
      return "reading";
    case Progress::Phase::kChecking:
      return "checking";
    case Progress::Phase::kSaving:
      return "saving";
    case Progress::Phase::kWriting:
      return "writing";
  }
  return "working";
}

namespace operations {

ProgressCounter::ProgressCounter(const ProgressListener& listener, Progress::Phase phase,
                                 uint64_t expected_units)
    : listener_(listener), expected_units_(expected_units) {
  progress_.phase = phase;
}

void ProgressCounter::Add(uint64_t bytes, bool unit) {
  if (!listener_) return;
  ++progress_.entries;
  progress_.bytes += bytes;
  if (unit) ++units_;
  if (expected_units_ > 0) {
    // An estimate until the phase ends: never claims to be done.
    progress_.fraction = std::min(0.99, static_cast<double>(units_) / expected_units_);
  }
  listener_(progress_);
}

void ProgressCounter::Finish() {
  if (!listener_) return;
  progress_.finished = true;
  if (expected_units_ > 0) progress_.fraction = 1;
  listener_(progress_);
}

}  // namespace operations
}  // namespace baton
