// The agent's schedules: durations, and cron's next run worked out by hand.
#include "server/schedule.h"

#include <gtest/gtest.h>

#include <ctime>

#include "baton/error.h"
#include "util/time_text.h"

namespace baton::server {
namespace {

Clock::time_point Utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi;
  return Clock::from_time_t(timegm(&tm));
}

std::string NextText(const std::string& cron, Clock::time_point after) {
  std::optional<Clock::time_point> next = Schedule::Cron(cron).Next(after);
  return next ? util::UtcText(*next) : "never";
}

TEST(ScheduleTest, Durations) {
  EXPECT_EQ(ParseDuration("90s").count(), 90);
  EXPECT_EQ(ParseDuration("1h30m").count(), 5400);
  EXPECT_EQ(ParseDuration("2d").count(), 172800);
  for (const char* bad : {"", "1", "h", "1x", "0s", "1h 30m", "99999999999s", "367d"}) {
    EXPECT_THROW(ParseDuration(bad), Error) << bad;
  }
}

TEST(ScheduleTest, CronNextRuns) {
  const Clock::time_point t = Utc(2026, 11, 28, 13, 7);  // a Saturday
  EXPECT_EQ(NextText("0 */6 * * *", t), "2026-11-28T18:00:00.000Z");
  EXPECT_EQ(NextText("*/15 * * * *", t), "2026-11-28T13:15:00.000Z");
  EXPECT_EQ(NextText("@daily", t), "2026-11-29T00:00:00.000Z");
  EXPECT_EQ(NextText("30 2 * * mon-fri", t), "2026-11-30T02:30:00.000Z");
  EXPECT_EQ(NextText("0 0 1 jan *", t), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(NextText("0 0 29 2 *", t), "2028-02-29T00:00:00.000Z");  // the next leap day
  // Both days restricted: either matches (Vixie cron). The 1st of December
  // is a Tuesday; Sunday the 29th comes first.
  EXPECT_EQ(NextText("0 12 1 * 0", t), "2026-11-29T12:00:00.000Z");
  EXPECT_EQ(NextText("0 12 1 * 7", t), "2026-11-29T12:00:00.000Z");  // 7 is Sunday too
  // Strictly after: a run due at this very minute is the next one's.
  EXPECT_EQ(NextText("7 13 * * *", t), "2026-11-29T13:07:00.000Z");
}

TEST(ScheduleTest, BadCronIsNamedByField) {
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {"* * * *", "has 4 fields"},
           {"60 * * * *", "minute 60 is not within 0-59"},
           {"* 24 * * *", "hour 24"},
           {"* * 0 * *", "day of month 0"},
           {"* * * 13 *", "month 13"},
           {"* * * * 8", "day of week 8"},
           {"5-1 * * * *", "runs backwards"},
           {"*/0 * * * *", "minute 0 is not within 1-59"},
           {"a * * * *", "'a' is not a number"},
           {"1, * * * *", "minute is empty"},
           {"0 0 30 2 *", "names a day that never comes"}}) {
    try {
      Schedule::Cron(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << bad << ": " << e.what();
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    }
  }
}

}  // namespace
}  // namespace baton::server
