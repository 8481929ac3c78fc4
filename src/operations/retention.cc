#include "operations/retention.h"

#include <algorithm>
#include <ctime>
#include <numeric>
#include <optional>

namespace baton::operations {
namespace {

using Clock = std::chrono::system_clock;

std::tm Utc(Clock::time_point time) {
  std::time_t t = Clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

// The period a time falls in, as one comparable number per rule.
long HourOf(const std::tm& tm) { return ((tm.tm_year * 1000L + tm.tm_yday) * 24L) + tm.tm_hour; }
long DayOf(const std::tm& tm) { return tm.tm_year * 1000L + tm.tm_yday; }
long MonthOf(const std::tm& tm) { return tm.tm_year * 12L + tm.tm_mon; }
long WeekOf(const std::tm& tm) {
  char text[16];
  std::strftime(text, sizeof text, "%G%V", &tm);  // ISO 8601 year and week
  return std::stol(text);
}

struct Rule {
  const char* name;
  int count;
  long (*period)(const std::tm&);  // null: every backup is a period of its own
};

}  // namespace

std::vector<std::vector<std::string>> Retain(const std::vector<Clock::time_point>& times,
                                             const baton::RetentionPolicy& policy) {
  std::vector<size_t> newest_first(times.size());
  std::iota(newest_first.begin(), newest_first.end(), 0);
  std::stable_sort(newest_first.begin(), newest_first.end(),
                   [&](size_t a, size_t b) { return times[a] > times[b]; });
  const Rule rules[] = {{"last", policy.keep_last, nullptr},
                        {"hourly", policy.keep_hourly, HourOf},
                        {"daily", policy.keep_daily, DayOf},
                        {"weekly", policy.keep_weekly, WeekOf},
                        {"monthly", policy.keep_monthly, MonthOf}};
  std::vector<std::vector<std::string>> reasons(times.size());
  for (const Rule& rule : rules) {
    int left = rule.count;
    std::optional<long> last_period;
    for (size_t i : newest_first) {
      if (left <= 0) break;
      if (rule.period != nullptr) {
        const long period = rule.period(Utc(times[i]));
        if (last_period == period) continue;  // a newer backup holds this period
        last_period = period;
      }
      reasons[i].push_back(rule.name);
      --left;
    }
  }
  return reasons;
}

}  // namespace baton::operations
