// What a job takes from the world around it: where backups are stored and
// what time it is. The defaults are the real ones; tests pass their own (a
// storage in memory, a failing one, a fixed clock) to reach paths that are
// hard to provoke from outside.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "baton/storage.h"

namespace baton {

struct Env {
  // Opens a backup location (file://, s3://): OpenStorage by default.
  std::function<std::unique_ptr<StorageProvider>(const std::string& location)> open_storage =
      OpenStorage;
  // The wall clock: names ({timestamp}), manifests and restore markers.
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
};

}  // namespace baton
