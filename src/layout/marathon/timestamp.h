// A version timestamp as Marathon stores it: an offset date-time. Version
// nodes in ZooKeeper and version entries in the tar spell it differently, so
// both spellings live here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton::marathon {

struct OffsetTimestamp {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  int nanos = 0;
  int offset_seconds = 0;  // east of UTC

  // Any ISO-8601 offset date-time, as Java's OffsetDateTime.parse accepts:
  // yyyy-MM-ddTHH:mm[:ss[.f{1,9}]] then Z or +HH:MM[:SS].
  static std::optional<OffsetTimestamp> Parse(std::string_view text);

  // The version node name: ISO_OFFSET_DATE_TIME of the time truncated to
  // milliseconds ("2017-08-08T12:34:56.5Z": seconds always, fraction as short
  // as possible and left out when zero).
  std::string NodeName() const;

  // The tar entry spelling: Java's OffsetDateTime.toString() ("12:34Z" when
  // seconds and fraction are zero, fractions in groups of 3 digits).
  std::string ToString() const;

  // A UTC timestamp from milliseconds since the epoch, and back (the offset is
  // taken into account, the sub-millisecond part dropped).
  static OffsetTimestamp FromUnixMillis(int64_t millis);
  int64_t UnixMillis() const;

  bool operator==(const OffsetTimestamp&) const = default;
};

}  // namespace baton::marathon
