// UtcText() and CompactUtcText(): the two spellings of a time.
#include "util/time_text.h"

#include <gtest/gtest.h>

#include <chrono>

namespace baton::util {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(std::chrono::sys_days day, std::chrono::microseconds since_midnight) {
  return system_clock::time_point(day) + since_midnight;
}

TEST(TimeText, SpellsTheEpoch) {
  EXPECT_EQ(UtcText(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(CompactUtcText(system_clock::time_point{}), "19700101T000000.000Z");
}

TEST(TimeText, SpellsEveryFieldWithItsPadding) {
  using namespace std::chrono;
  auto t = At(2026y / November / 25, hours(1) + minutes(7) + seconds(3) + milliseconds(45));
  EXPECT_EQ(UtcText(t), "2026-11-25T01:07:03.045Z");
  EXPECT_EQ(CompactUtcText(t), "20261125T010703.045Z");
  auto last = At(1999y / December / 31, hours(23) + minutes(59) + seconds(59) + milliseconds(999));
  EXPECT_EQ(UtcText(last), "1999-12-31T23:59:59.999Z");
}

TEST(TimeText, DropsSubMillisecondsRatherThanRounding) {
  using namespace std::chrono;
  auto t = At(2026y / January / 2, seconds(59) + microseconds(999'999));
  EXPECT_EQ(UtcText(t), "2026-01-02T00:00:59.999Z");
  // Before the epoch too: the millisecond that contains the time.
  EXPECT_EQ(UtcText(system_clock::time_point{} - microseconds(1)), "1969-12-31T23:59:59.999Z");
}

TEST(TimeText, CompactTextSortsAsTimeDoes) {
  using namespace std::chrono;
  auto a = At(2026y / February / 9, hours(23));
  auto b = At(2026y / February / 10, hours(1));
  EXPECT_LT(CompactUtcText(a), CompactUtcText(b));
}

}  // namespace
}  // namespace baton::util
