// Keeps the promise of ErrorKind::kInvalidInput (exit 2: nothing was done)
// once an operation has changed something.
#pragma once

#include "baton/error.h"

namespace baton::operations {

// Runs `step`, which comes after a change (or makes one): an invalid input
// it meets is reported as a failure.
template <typename Step>
auto AfterChange(Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInvalidInput) throw;
    throw Error(e.what(), ErrorKind::kFailed);
  }
}

}  // namespace baton::operations
