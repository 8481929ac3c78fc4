// Arbitrary text as --schedule (cron) and --interval: parsed or refused with
// baton::Error; a parsed cron schedule's next run is after the time asked
// about, and the one after that later still.
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/error.h"
#include "server/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using baton::server::Clock;
  const Clock::time_point from = Clock::from_time_t(1'800'000'000);
  try {
    baton::server::Schedule s = baton::server::Schedule::Cron(text);
    std::optional<Clock::time_point> next = s.Next(from);
    if (next && *next <= from) __builtin_trap();
    if (next) {
      std::optional<Clock::time_point> after = s.Next(*next);
      if (after && *after <= *next) __builtin_trap();
    }
  } catch (const baton::Error&) {
  }
  try {
    if (baton::server::ParseDuration(text).count() <= 0) __builtin_trap();
  } catch (const baton::Error&) {
  }
  return 0;
}
