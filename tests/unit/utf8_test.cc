// DecodeUtf8(): the strict decoder behind bucket hashing, node name checks
// and Printable().
#include "util/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace baton::util {
namespace {

// The code points of `s`, with -1 for each byte rejected.
std::vector<long> Decode(std::string_view s) {
  std::vector<long> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t before = i;
    char32_t cp = 0;
    bool ok = DecodeUtf8(s, i, cp);
    out.push_back(ok ? static_cast<long>(cp) : -1);
    EXPECT_GT(i, before);
    if (!ok) {
      EXPECT_EQ(i, before + 1) << "a bad byte is skipped alone";
    }
  }
  return out;
}

using Points = std::vector<long>;

TEST(Utf8, DecodesEachLengthAtItsLimits) {
  EXPECT_EQ(Decode(std::string("\0a\x7F", 3)), (Points{0, 'a', 0x7F}));
  EXPECT_EQ(Decode("\xC2\x80\xDF\xBF"), (Points{0x80, 0x7FF}));
  EXPECT_EQ(Decode("\xE0\xA0\x80\xEF\xBF\xBF"), (Points{0x800, 0xFFFF}));
  EXPECT_EQ(Decode("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), (Points{0x10000, 0x10FFFF}));
  EXPECT_EQ(Decode("caf\xC3\xA9"), (Points{'c', 'a', 'f', 0xE9}));  // ends on the last byte
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_EQ(Decode("\xC0\x80"), (Points{-1, -1}));
  EXPECT_EQ(Decode("\xC1\xBF"), (Points{-1, -1}));
  EXPECT_EQ(Decode("\xE0\x9F\xBF"), (Points{-1, -1, -1}));
  EXPECT_EQ(Decode("\xF0\x8F\xBF\xBF"), (Points{-1, -1, -1, -1}));
}

TEST(Utf8, RejectsSurrogatesAndValuesAboveTheRange) {
  EXPECT_EQ(Decode("\xED\x9F\xBF"), (Points{0xD7FF}));
  EXPECT_EQ(Decode("\xED\xA0\x80"), (Points{-1, -1, -1}));
  EXPECT_EQ(Decode("\xED\xBF\xBF"), (Points{-1, -1, -1}));
  EXPECT_EQ(Decode("\xEE\x80\x80"), (Points{0xE000}));
  EXPECT_EQ(Decode("\xF4\x90\x80\x80"), (Points{-1, -1, -1, -1}));
}

TEST(Utf8, RejectsBadLeadAndContinuationBytes) {
  EXPECT_EQ(Decode("\x80"), (Points{-1}));
  EXPECT_EQ(Decode("\xBF"), (Points{-1}));
  EXPECT_EQ(Decode("\xF8\x90\x80\x80"), (Points{-1, -1, -1, -1}));  // no 5-byte forms
  EXPECT_EQ(Decode("\xFF"), (Points{-1}));
  EXPECT_EQ(Decode("\xC3("), (Points{-1, '('}));
  EXPECT_EQ(Decode("\xE2\x82("), (Points{-1, -1, '('}));
}

TEST(Utf8, RejectsSequencesCutShort) {
  EXPECT_EQ(Decode("\xC3"), (Points{-1}));
  EXPECT_EQ(Decode("a\xE6\x97"), (Points{'a', -1, -1}));
  EXPECT_EQ(Decode("\xF0\x9F\x98"), (Points{-1, -1, -1}));
  // The view ends before the sequence does, though the bytes after it would fit.
  const std::string whole = "caf\xC3\xA9";
  EXPECT_EQ(Decode(std::string_view(whole).substr(0, 4)), (Points{'c', 'a', 'f', -1}));
}

}  // namespace
}  // namespace baton::util
