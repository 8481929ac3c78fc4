#include "server/schedule.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>
#include <vector>

#include "baton/error.h"

namespace baton::server {
namespace {

constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kWeekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

[[noreturn]] void Refuse(const std::string& what) {
  throw Error("invalid schedule: " + what, ErrorKind::kInvalidInput);
}

// Names a field may use instead of numbers, the first naming `first`.
struct Names {
  const char* const* names;
  int count;
  int first;
};
constexpr Names kMonthNames{kMonths, 12, 1};
constexpr Names kWeekdayNames{kWeekdays, 7, 0};

// A number, or one of `names`.
int Value(const std::string& text, int low, int high, const Names* names, const char* field) {
  if (names != nullptr && text.size() == 3 && std::isalpha(static_cast<unsigned char>(text[0]))) {
    for (int i = 0; i < names->count; ++i) {
      std::string name = text;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == names->names[i]) return names->first + i;
    }
  }
  if (text.empty() || text.size() > 2 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(c) != 0; })) {
    Refuse(std::string(field) + " '" + text + "' is not a number");
  }
  int value = std::stoi(text);
  if (value < low || value > high) {
    Refuse(std::string(field) + " " + text + " is not within " + std::to_string(low) + "-" +
           std::to_string(high));
  }
  return value;
}

// One cron field into `bits` (bit i: value i); true when it restricts (not "*").
template <size_t N>
bool Field(const std::string& text, int low, int high, const Names* names, const char* field,
           std::bitset<N>& bits) {
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string::npos) {
      step = Value(part.substr(slash + 1), 1, high, nullptr, field);
      part.resize(slash);
    }
    int from = low, to = high;
    if (part != "*") {
      size_t dash = part.find('-');
      from = Value(part.substr(0, dash), low, high, names, field);
      to = dash == std::string::npos ? (step > 1 ? high : from)
                                     : Value(part.substr(dash + 1), low, high, names, field);
      if (to < from) Refuse(std::string(field) + " range " + part + " runs backwards");
    }
    for (int v = from; v <= to; v += step) bits.set(static_cast<size_t>(v));
  }
  if (text.empty() || text.back() == ',' || bits.none()) Refuse(std::string(field) + " is empty");
  return text != "*";
}

std::string Expand(const std::string& expression) {
  if (expression == "@hourly") return "0 * * * *";
  if (expression == "@daily" || expression == "@midnight") return "0 0 * * *";
  if (expression == "@weekly") return "0 0 * * 0";
  if (expression == "@monthly") return "0 0 1 * *";
  return expression;
}

std::tm Utc(Clock::time_point t) {
  std::time_t s = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

}  // namespace

std::chrono::seconds ParseDuration(const std::string& text) {
  std::chrono::seconds total{0};
  size_t at = 0;
  while (at < text.size()) {
    size_t digits = at;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == at || digits - at > 9 || digits == text.size()) {
      Refuse("'" + text + "' is not a duration such as 90s, 15m, 1h30m or 2d");
    }
    // At most 9 digits of days: no overflow in seconds; the sum is capped below.
    const long long n = std::stoll(text.substr(at, digits - at));
    switch (text[digits]) {
      case 's':
        total += std::chrono::seconds(n);
        break;
      case 'm':
        total += std::chrono::minutes(n);
        break;
      case 'h':
        total += std::chrono::hours(n);
        break;
      case 'd':
        total += std::chrono::hours(24 * n);
        break;
      default:
        Refuse("'" + text + "' is not a duration such as 90s, 15m, 1h30m or 2d");
    }
    at = digits + 1;
  }
  if (total.count() <= 0) Refuse("a duration must be longer than nothing ('" + text + "')");
  if (total > std::chrono::hours(24 * 366))
    Refuse("a duration must be at most a year ('" + text + "')");
  return total;
}

Schedule Schedule::Every(std::chrono::seconds interval) {
  if (interval.count() <= 0) Refuse("the interval must be longer than nothing");
  Schedule s;
  s.interval_ = interval;
  s.text_ = "every " + std::to_string(interval.count()) + "s";
  return s;
}

Schedule Schedule::Cron(const std::string& expression) {
  std::stringstream words(Expand(expression));
  std::vector<std::string> f;
  for (std::string w; words >> w;) f.push_back(w);
  if (f.size() != 5) {
    Refuse("'" + expression + "' has " + std::to_string(f.size()) +
           " fields; cron's are five: minute hour day-of-month month day-of-week");
  }
  Schedule s;
  s.text_ = "cron " + expression;
  Field(f[0], 0, 59, nullptr, "minute", s.minutes_);
  Field(f[1], 0, 23, nullptr, "hour", s.hours_);
  s.days_restricted_ = Field(f[2], 1, 31, nullptr, "day of month", s.days_);
  Field(f[3], 1, 12, &kMonthNames, "month", s.months_);
  std::bitset<8> weekdays;  // 7 is Sunday too
  s.weekdays_restricted_ = Field(f[4], 0, 7, &kWeekdayNames, "day of week", weekdays);
  for (size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d] || (d == 0 && weekdays[7]);
  if (!s.Next(Clock::now())) Refuse("'" + expression + "' names a day that never comes");
  return s;
}

bool Schedule::DayMatches(const std::tm& tm) const {
  const bool day = days_[static_cast<size_t>(tm.tm_mday)];
  const bool weekday = weekdays_[static_cast<size_t>(tm.tm_wday)];
  // Vixie cron: with both restricted, either matching is enough.
  return days_restricted_ && weekdays_restricted_ ? day || weekday : day && weekday;
}

std::optional<Clock::time_point> Schedule::Next(Clock::time_point after) const {
  if (interval_.count() > 0) return after + interval_;
  // From the next whole minute, forward a month, a day, an hour or a
  // minute at a time, whichever first does not match.
  std::tm tm = Utc(std::chrono::floor<std::chrono::minutes>(after) + std::chrono::minutes(1));
  const int last_year = tm.tm_year + 5;
  while (tm.tm_year <= last_year) {
    if (!months_[static_cast<size_t>(tm.tm_mon + 1)]) {
      tm.tm_mon += 1, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0;
    } else if (!DayMatches(tm)) {
      tm.tm_mday += 1, tm.tm_hour = 0, tm.tm_min = 0;
    } else if (!hours_[static_cast<size_t>(tm.tm_hour)]) {
      tm.tm_hour += 1, tm.tm_min = 0;
    } else if (!minutes_[static_cast<size_t>(tm.tm_min)]) {
      tm.tm_min += 1;
    } else {
      return Clock::from_time_t(timegm(&tm));
    }
    tm.tm_sec = 0;
    timegm(&tm);  // normalises, and sets the weekday
  }
  return std::nullopt;
}

std::chrono::seconds Schedule::Period(Clock::time_point from) const {
  if (interval_.count() > 0) return interval_;
  std::optional<Clock::time_point> first = Next(from);
  std::optional<Clock::time_point> second = first ? Next(*first) : std::nullopt;
  if (!second) return std::chrono::hours(24);
  return std::chrono::duration_cast<std::chrono::seconds>(*second - *first);
}

}  // namespace baton::server
