#include "util/time_text.h"

#include <cstdio>

namespace baton::util {
namespace {

std::string Format(std::chrono::system_clock::time_point time, bool compact) {
  using namespace std::chrono;
  auto millis = floor<milliseconds>(time);
  auto midnight = floor<days>(millis);
  year_month_day date(midnight);
  hh_mm_ss clock(millis - midnight);
  char text[40];
  const char* date_sep = compact ? "" : "-";
  const char* time_sep = compact ? "" : ":";
  std::snprintf(text, sizeof text, "%04d%s%02u%s%02uT%02d%s%02d%s%02lld.%03lldZ",
                static_cast<int>(date.year()), date_sep, static_cast<unsigned>(date.month()),
                date_sep, static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), time_sep,
                static_cast<int>(clock.minutes().count()), time_sep,
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text;
}

}  // namespace

std::string UtcText(std::chrono::system_clock::time_point time) { return Format(time, false); }

std::string CompactUtcText(std::chrono::system_clock::time_point time) {
  return Format(time, true);
}

}  // namespace baton::util
