// When the backup agent runs: every --interval (30s, 15m, 1h, 1d, 1h30m),
// or on a --schedule in cron's five fields (minute hour day-of-month month
// day-of-week, UTC; `*`, `a-b`, `*/n`, `a-b/n`, lists, month and day names,
// and @hourly, @daily, @weekly, @monthly). As Vixie cron: when both days
// are restricted, a day matching either runs.
//
// Thread safety: a Schedule is immutable once parsed; any number of threads
// may call Next().
#pragma once

#include <bitset>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>

namespace baton::server {

using Clock = std::chrono::system_clock;

// "90s", "15m", "1h30m", "2d": throws baton::Error (kInvalidInput)
// otherwise, or for nothing at all.
std::chrono::seconds ParseDuration(const std::string& text);

class Schedule {
 public:
  static Schedule Every(std::chrono::seconds interval);
  // Throws baton::Error (kInvalidInput) naming the field that is wrong.
  static Schedule Cron(const std::string& expression);

  // The first time strictly after `after` it runs at; none within five years
  // (a day that never comes: 30 February).
  std::optional<Clock::time_point> Next(Clock::time_point after) const;
  // The longest gap between two runs, roughly (the interval; for cron, what
  // its first two runs after `from` are apart): what jitter is a share of.
  std::chrono::seconds Period(Clock::time_point from) const;
  // As given: "every 1h" or "cron 0 */6 * * *".
  const std::string& text() const { return text_; }

 private:
  bool DayMatches(const std::tm& tm) const;

  std::string text_;
  std::chrono::seconds interval_{0};  // 0: cron
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool days_restricted_ = false, weekdays_restricted_ = false;
};

}  // namespace baton::server
