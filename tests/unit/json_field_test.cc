// JsonField: a field someone else wrote (a lock node, a marker) that is
// missing or of the wrong type is absent, never an exception.
#include "util/json_field.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace baton::util {
namespace {

using nlohmann::json;

TEST(JsonField, ReadsAFieldOfTheRightType) {
  const json j = json::parse(R"({"host": "h1", "pid": 42, "since": 1.5})");
  EXPECT_EQ(JsonField<std::string>(j, "host"), "h1");
  EXPECT_EQ(JsonField<int64_t>(j, "pid"), 42);
  EXPECT_EQ(JsonField<double>(j, "since"), 1.5);
}

TEST(JsonField, AnythingElseIsAbsent) {
  const json j = json::parse(R"({"host": 7, "pid": "42", "list": [1]})");
  EXPECT_EQ(JsonField<std::string>(j, "host"), std::nullopt) << "a number for a string";
  EXPECT_EQ(JsonField<int64_t>(j, "pid"), std::nullopt) << "a string for a number";
  EXPECT_EQ(JsonField<std::string>(j, "list"), std::nullopt);
  EXPECT_EQ(JsonField<std::string>(j, "missing"), std::nullopt);
  for (const char* not_an_object : {"[1, 2]", "\"text\"", "null", "3"}) {
    EXPECT_EQ(JsonField<std::string>(json::parse(not_an_object), "host"), std::nullopt)
        << not_an_object;
  }
}

}  // namespace
}  // namespace baton::util
