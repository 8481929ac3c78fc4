#include "layout/marathon/bucket.h"

#include <gtest/gtest.h>

namespace baton::marathon {
namespace {

// Expected values printed by Java 17: id.hashCode() and
// Integer.toHexString(Math.abs(id.hashCode() % 16)).
struct Case {
  const char* id;
  int32_t hash;
  const char* bucket;
};

TEST(Bucket, MatchesJavaStringHashCode) {
  const Case cases[] = {
      {"", 0, "0"},
      {"a", 97, "1"},
      {"hello", 99162322, "2"},
      {"polygenelubricants", INT32_MIN, "0"},
      {"_prod_web", -913880117, "5"},
      {"_prod_db", 2048729383, "7"},
      {"Aa", 2112, "0"},
      {"BB", 2112, "0"},
      {"caf\xC3\xA9", 3045921, "1"},
      {"\xF0\x9F\x98\x80", 1772899, "3"},  // U+1F600: a UTF-16 surrogate pair
      {"\xE6\x97\xA5\xE6\x9C\xAC", 835047, "7"},
      {"framework-id", 1716820810, "a"},
      {"id", 3355, "b"},
      {"_group", -1476568704, "0"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(JavaStringHash(c.id), c.hash) << c.id;
    EXPECT_EQ(BucketOf(c.id), c.bucket) << c.id;
  }
  EXPECT_EQ(JavaStringHash(std::string(300, 'x')), -1757771264);
  EXPECT_EQ(BucketOf(std::string(300, 'x')), "0");
}

TEST(Bucket, MalformedUtf8HashesAsReplacementCharacter) {
  EXPECT_EQ(JavaStringHash("\xFF"), 0xFFFD);
}

}  // namespace
}  // namespace baton::marathon
