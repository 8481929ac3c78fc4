#include "zk/wire/jute.h"

#include <gtest/gtest.h>

#include <string>

#include "baton/error.h"

namespace baton::zk::wire {
namespace {

using namespace std::string_literals;

TEST(Jute, EncodesBigEndian) {
  Encoder out;
  out.Int(0x01020304);
  out.Long(-2);
  out.Bool(true);
  out.Bool(false);
  EXPECT_EQ(out.bytes(), "\x01\x02\x03\x04\xff\xff\xff\xff\xff\xff\xff\xfe\x01\x00"s);
}

TEST(Jute, EncodesBuffersAndNull) {
  Encoder out;
  out.String("ab");
  out.Buffer("");
  out.NullBuffer();
  out.VectorSize(3);
  EXPECT_EQ(out.bytes(),
            "\0\0\0\x02"
            "ab\0\0\0\0\xff\xff\xff\xff\0\0\0\x03"s);
}

TEST(Jute, RoundTrips) {
  Encoder out;
  out.Int(INT32_MIN);
  out.Long(INT64_MAX);
  out.Bool(true);
  out.Buffer("x\0y"s);
  out.NullBuffer();
  Decoder in(out.bytes(), "test");
  EXPECT_EQ(in.Int(), INT32_MIN);
  EXPECT_EQ(in.Long(), INT64_MAX);
  EXPECT_TRUE(in.Bool());
  EXPECT_EQ(in.Buffer(), "x\0y"s);
  EXPECT_EQ(in.Buffer(), "");  // null reads as empty
  EXPECT_EQ(in.remaining(), 0u);
  in.ExpectEnd();
}

TEST(Jute, RefusesTruncatedInput) {
  EXPECT_THROW(Decoder("\0\0\0"s, "t").Int(), Error);
  EXPECT_THROW(Decoder("\0\0\0\0\0\0\0"s, "t").Long(), Error);
  EXPECT_THROW(Decoder("", "t").Bool(), Error);
  EXPECT_THROW(Decoder("\0\0\0\x05"
                       "abcd"s,
                       "t")
                   .Buffer(),
               Error);
}

TEST(Jute, RefusesBadLengthsAndCounts) {
  EXPECT_THROW(Decoder("\xff\xff\xff\xfe"s, "t").Buffer(), Error);
  EXPECT_THROW(Decoder("\x7f\xff\xff\xff"s, "t").Buffer(), Error);
  EXPECT_THROW(Decoder("\xff\xff\xff\xfe"s, "t").VectorSize(10, 1), Error);
  // More than the cap, and more than the bytes left could hold.
  EXPECT_THROW(Decoder("\0\0\0\x0b"s + std::string(100, 'x'), "t").VectorSize(10, 1), Error);
  EXPECT_THROW(Decoder("\0\0\0\x03"s + std::string(11, 'x'), "t").VectorSize(10, 4), Error);
  EXPECT_EQ(Decoder("\0\0\0\x03"s + std::string(12, 'x'), "t").VectorSize(10, 4), 3);
  EXPECT_EQ(Decoder("\xff\xff\xff\xff"s, "t").VectorSize(10, 4), 0);
}

TEST(Jute, ErrorsNameTheRecordAndKind) {
  try {
    // The Decoder reads a view: the bytes must outlive it.
    const std::string bytes =
        "\0\0\0\x01"
        "ab"s;
    Decoder in(bytes, "getData reply");
    in.Int();
    in.ExpectEnd();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("getData reply"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace baton::zk::wire
