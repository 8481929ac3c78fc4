// Retention's decisions over two synthetic months of hourly backups, worked
// out by hand from restic's rules.
#include "operations/retention.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <string>

namespace baton::operations {
namespace {

using Clock = std::chrono::system_clock;

Clock::time_point Utc(int month, int day, int hour) {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  return Clock::from_time_t(timegm(&tm));
}

TEST(RetentionTest, TwoMonthsOfHourlyBackups) {
  std::vector<Clock::time_point> times;  // 2026-09-01T00 .. 2026-10-31T23, oldest first
  for (int month : {9, 10}) {
    for (int day = 1; day <= (month == 9 ? 30 : 31); ++day) {
      for (int hour = 0; hour < 24; ++hour) times.push_back(Utc(month, day, hour));
    }
  }
  RetentionPolicy policy{
      .keep_last = 3, .keep_hourly = 24, .keep_daily = 7, .keep_weekly = 4, .keep_monthly = 2};
  std::vector<std::vector<std::string>> reasons = Retain(times, policy);
  std::map<Clock::time_point, std::string> kept;
  for (size_t i = 0; i < times.size(); ++i) {
    std::string why;
    for (const std::string& r : reasons[i]) why += (why.empty() ? "" : ",") + r;
    if (!why.empty()) kept[times[i]] = why;
  }
  // Every hour of 31 October; 23:00 of the 6 days before; of ISO weeks 42
  // and 41 (Sundays 18 and 11 October; week 43's is the 25th, already kept);
  // and of 30 September (the month before).
  EXPECT_EQ(kept.size(), 24u + 6u + 2u + 1u);
  EXPECT_EQ(kept[Utc(10, 31, 23)], "last,hourly,daily,weekly,monthly");
  EXPECT_EQ(kept[Utc(10, 31, 21)], "last,hourly");
  EXPECT_EQ(kept[Utc(10, 31, 0)], "hourly");
  EXPECT_EQ(kept[Utc(10, 25, 23)], "daily,weekly");
  EXPECT_EQ(kept[Utc(10, 30, 23)], "daily");
  EXPECT_EQ(kept[Utc(10, 18, 23)], "weekly");
  EXPECT_EQ(kept[Utc(10, 11, 23)], "weekly");
  EXPECT_EQ(kept[Utc(9, 30, 23)], "monthly");
  EXPECT_EQ(kept.count(Utc(10, 30, 22)), 0u);
  EXPECT_EQ(kept.count(Utc(10, 4, 23)), 0u);  // a fifth week
}

TEST(RetentionTest, OrderOfInputDoesNotMatterAndPeriodsWithoutBackupsAreSkipped) {
  // Days 1, 3 and 10, given out of order: keep_daily 2 keeps days 10 and 3.
  std::vector<Clock::time_point> times = {Utc(10, 3, 5), Utc(10, 10, 1), Utc(10, 1, 2),
                                          Utc(10, 10, 0)};
  std::vector<std::vector<std::string>> reasons = Retain(times, RetentionPolicy{.keep_daily = 2});
  EXPECT_EQ(reasons[0], std::vector<std::string>{"daily"});
  EXPECT_EQ(reasons[1], std::vector<std::string>{"daily"});
  EXPECT_TRUE(reasons[2].empty());
  EXPECT_TRUE(reasons[3].empty());  // an older one of day 10
}

}  // namespace
}  // namespace baton::operations
