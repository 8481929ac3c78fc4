#include "layout/marathon/timestamp.h"

#include <gtest/gtest.h>

namespace baton::marathon {
namespace {

// Expected values printed by Java 17 for OffsetDateTime.parse(input):
// .toString(), and .truncatedTo(MILLIS).format(ISO_OFFSET_DATE_TIME).
struct Case {
  const char* input;
  const char* to_string;
  const char* node_name;
};

TEST(OffsetTimestamp, SpellsLikeJava) {
  const Case cases[] = {
      {"2017-08-08T12:34:56.789Z", "2017-08-08T12:34:56.789Z", "2017-08-08T12:34:56.789Z"},
      {"2017-08-08T12:34:56.5Z", "2017-08-08T12:34:56.500Z", "2017-08-08T12:34:56.5Z"},
      {"2017-08-08T12:34:56.500Z", "2017-08-08T12:34:56.500Z", "2017-08-08T12:34:56.5Z"},
      {"2017-08-08T12:34:56.12Z", "2017-08-08T12:34:56.120Z", "2017-08-08T12:34:56.12Z"},
      {"2017-08-08T12:34:00Z", "2017-08-08T12:34Z", "2017-08-08T12:34:00Z"},
      {"2017-08-08T12:34Z", "2017-08-08T12:34Z", "2017-08-08T12:34:00Z"},
      {"2017-08-08T12:34:00.000Z", "2017-08-08T12:34Z", "2017-08-08T12:34:00Z"},
      {"2017-08-08T12:34:56Z", "2017-08-08T12:34:56Z", "2017-08-08T12:34:56Z"},
      {"2017-08-08T12:34:56.123456Z", "2017-08-08T12:34:56.123456Z", "2017-08-08T12:34:56.123Z"},
      {"2017-08-08T12:34:56.123456789+02:00", "2017-08-08T12:34:56.123456789+02:00",
       "2017-08-08T12:34:56.123+02:00"},
      {"2017-08-08T12:34:56.1-05:30", "2017-08-08T12:34:56.100-05:30",
       "2017-08-08T12:34:56.1-05:30"},
      {"2017-08-08T00:00:00.001+00:00", "2017-08-08T00:00:00.001Z", "2017-08-08T00:00:00.001Z"},
      {"2016-02-29T23:59:59.999999999Z", "2016-02-29T23:59:59.999999999Z",
       "2016-02-29T23:59:59.999Z"},
      {"2017-08-08T12:34:56.000100Z", "2017-08-08T12:34:56.000100Z", "2017-08-08T12:34:56Z"},
      {"2017-08-08T12:34:56+01:02:03", "2017-08-08T12:34:56+01:02:03",
       "2017-08-08T12:34:56+01:02:03"},
      {"2017-08-08t12:34:56z", "2017-08-08T12:34:56Z", "2017-08-08T12:34:56Z"},
      {"2017-08-08T12:34:56.Z", "2017-08-08T12:34:56Z", "2017-08-08T12:34:56Z"},
  };
  for (const Case& c : cases) {
    auto t = OffsetTimestamp::Parse(c.input);
    ASSERT_TRUE(t.has_value()) << c.input;
    EXPECT_EQ(t->ToString(), c.to_string) << c.input;
    EXPECT_EQ(t->NodeName(), c.node_name) << c.input;
  }
}

TEST(OffsetTimestamp, RefusesWhatJavaRefuses) {
  const char* bad[] = {
      "2017-02-29T12:00Z",
      "2017-08-08T24:00Z",
      "2017-08-08T12:34:56",
      "2017-08-08 12:34Z",
      "2017-08-08T12:34:56.1234567890Z",
      "2017-13-01T00:00Z",
      "17-08-08T12:34Z",
      "2017-08-08T12:34:56+19:00",
      "2017-08-08T12:34:60Z",
      "2017-08-08T12:34:56+0100",
      "",
      "not a time",
  };
  for (const char* input : bad) EXPECT_FALSE(OffsetTimestamp::Parse(input).has_value()) << input;
}

TEST(OffsetTimestamp, UnixMillisBothWays) {
  // 1502195696789 ms is 2017-08-08T12:34:56.789Z (date -d @1502195696.789 -u).
  OffsetTimestamp t = OffsetTimestamp::FromUnixMillis(1502195696789);
  EXPECT_EQ(t.NodeName(), "2017-08-08T12:34:56.789Z");
  EXPECT_EQ(t.UnixMillis(), 1502195696789);
  EXPECT_EQ(OffsetTimestamp::FromUnixMillis(0).ToString(), "1970-01-01T00:00Z");
  // The offset counts: 14:34:56.789+02:00 is the same instant.
  EXPECT_EQ(OffsetTimestamp::Parse("2017-08-08T14:34:56.789+02:00")->UnixMillis(), 1502195696789);
  EXPECT_EQ(OffsetTimestamp::FromUnixMillis(951782400000).NodeName(), "2000-02-29T00:00:00Z");
}

TEST(OffsetTimestamp, NodeNameAndEntryNameRoundTrip) {
  auto t = OffsetTimestamp::Parse("2017-08-08T12:34:56.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(OffsetTimestamp::Parse(t->ToString())->NodeName(), "2017-08-08T12:34:56.5Z");
}

}  // namespace
}  // namespace baton::marathon
