#include "layout/marathon/timestamp.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace baton::marathon {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
bool ReadNumber(std::string_view s, size_t& pos, int digits, int& out) {
  if (pos + static_cast<size_t>(digits) > s.size()) return false;
  int value = 0;
  for (int k = 0; k < digits; ++k) {
    char c = s[pos + static_cast<size_t>(k)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<size_t>(digits);
  out = value;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || std::tolower(static_cast<unsigned char>(s[pos])) != c) return false;
  ++pos;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string Two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string FormatOffset(int offset_seconds) {
  if (offset_seconds == 0) return "Z";
  int abs = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  std::string out(1, offset_seconds < 0 ? '-' : '+');
  out += Two(abs / 3600) + ":" + Two(abs / 60 % 60);
  // GCC 12 at -O3 warns (-Wrestrict, falsely) on "literal" + std::string&&.
  if (abs % 60 != 0) out.append(":").append(Two(abs % 60));
  return out;
}

std::string FormatDateTime(const OffsetTimestamp& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  return buf;
}

}  // namespace

std::optional<OffsetTimestamp> OffsetTimestamp::Parse(std::string_view s) {
  OffsetTimestamp t;
  size_t pos = 0;
  if (!ReadNumber(s, pos, 4, t.year) || !Expect(s, pos, '-') || !ReadNumber(s, pos, 2, t.month) ||
      !Expect(s, pos, '-') || !ReadNumber(s, pos, 2, t.day) || !Expect(s, pos, 't') ||
      !ReadNumber(s, pos, 2, t.hour) || !Expect(s, pos, ':') || !ReadNumber(s, pos, 2, t.minute)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadNumber(s, pos, 2, t.second)) return std::nullopt;
    // Java accepts a decimal point with no digits ("12:34:56.Z").
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && digits < 9) {
        t.nanos = t.nanos * 10 + (s[pos] - '0');
        ++pos;
        ++digits;
      }
      for (int k = digits; k < 9; ++k) t.nanos *= 10;
    }
  }
  if (pos >= s.size()) return std::nullopt;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int hours = 0, minutes = 0, seconds = 0;
    if (!ReadNumber(s, pos, 2, hours) || !Expect(s, pos, ':') || !ReadNumber(s, pos, 2, minutes)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':' && !(++pos, ReadNumber(s, pos, 2, seconds))) {
      return std::nullopt;
    }
    if (hours > 18 || minutes > 59 || seconds > 59) return std::nullopt;
    t.offset_seconds = sign * (hours * 3600 + minutes * 60 + seconds);
    if (t.offset_seconds > 18 * 3600 || t.offset_seconds < -18 * 3600) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > DaysInMonth(t.year, t.month) ||
      t.hour > 23 || t.minute > 59 || t.second > 59) {
    return std::nullopt;
  }
  return t;
}

std::string OffsetTimestamp::NodeName() const {
  std::string out = FormatDateTime(*this) + ":" + Two(second);
  int millis = nanos / 1000000;
  if (millis != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03d", millis);
    std::string fraction(buf);
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + FormatOffset(offset_seconds);
}

std::string OffsetTimestamp::ToString() const {
  std::string out = FormatDateTime(*this);
  if (second != 0 || nanos != 0) {
    out.append(":").append(Two(second));  // not ":" + ...: GCC 12 -Wrestrict
    if (nanos != 0) {
      char buf[16];
      if (nanos % 1000000 == 0) {
        std::snprintf(buf, sizeof buf, ".%03d", nanos / 1000000);
      } else if (nanos % 1000 == 0) {
        std::snprintf(buf, sizeof buf, ".%06d", nanos / 1000);
      } else {
        std::snprintf(buf, sizeof buf, ".%09d", nanos);
      }
      out += buf;
    }
  }
  return out + FormatOffset(offset_seconds);
}

OffsetTimestamp OffsetTimestamp::FromUnixMillis(int64_t millis) {
  using namespace std::chrono;
  sys_time<milliseconds> time{milliseconds(millis)};
  sys_days midnight = floor<days>(time);
  year_month_day date(midnight);
  hh_mm_ss clock(time - midnight);
  OffsetTimestamp t;
  t.year = static_cast<int>(date.year());
  t.month = static_cast<int>(static_cast<unsigned>(date.month()));
  t.day = static_cast<int>(static_cast<unsigned>(date.day()));
  t.hour = static_cast<int>(clock.hours().count());
  t.minute = static_cast<int>(clock.minutes().count());
  t.second = static_cast<int>(clock.seconds().count());
  t.nanos = static_cast<int>(clock.subseconds().count()) * 1000000;
  return t;
}

int64_t OffsetTimestamp::UnixMillis() const {
  using namespace std::chrono;
  sys_days date{std::chrono::year(year) / month / day};
  auto time = date + hours(hour) + minutes(minute) + seconds(second) - seconds(offset_seconds);
  return duration_cast<milliseconds>(time.time_since_epoch()).count() + nanos / 1000000;
}

}  // namespace baton::marathon
