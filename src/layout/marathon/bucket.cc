#include "layout/marathon/bucket.h"

#include <cstdint>
#include <cstdlib>

#include "util/utf8.h"

namespace baton::marathon {

int32_t JavaStringHash(std::string_view utf8) {
  uint32_t h = 0;  // unsigned: wrap-around is defined, and equals Java's int arithmetic
  auto mix = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < utf8.size();) {
    char32_t cp = 0;
    // Java's decoder turns malformed bytes into U+FFFD.
    if (!util::DecodeUtf8(utf8, i, cp)) cp = 0xFFFD;
    if (cp >= 0x10000) {  // a surrogate pair in UTF-16
      cp -= 0x10000;
      mix(0xD800 + (cp >> 10));
      mix(0xDC00 + (cp & 0x3FF));
    } else {
      mix(cp);
    }
  }
  return static_cast<int32_t>(h);
}

std::string BucketOf(std::string_view id) {
  int32_t h = JavaStringHash(id);
  int bucket = std::abs(h % 16);  // C++ '%' keeps the sign of h, like Java's
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string(1, kHex[bucket]);
}

}  // namespace baton::marathon
