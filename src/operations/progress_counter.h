// Counts the entries of one phase of a backup or restore and tells a
// progress listener, if there is one.
#pragma once

#include <cstdint>

#include "baton/progress.h"

namespace baton::operations {

class ProgressCounter {
 public:
  // `expected_units`: how many units make the phase whole (0: unknown).
  ProgressCounter(const ProgressListener& listener, Progress::Phase phase,
                  uint64_t expected_units = 0);

  // One entry of `bytes` done; `unit` when it completes one expected unit.
  void Add(uint64_t bytes, bool unit = true);
  // The phase is over: the last report.
  void Finish();

 private:
  const ProgressListener& listener_;
  Progress progress_;
  uint64_t units_ = 0;
  uint64_t expected_units_;
};

}  // namespace baton::operations
