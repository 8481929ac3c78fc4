// Printable(): what a hostile entry name looks like in an error or a log line.
#include "util/printable.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::util {
namespace {

TEST(Printable, KeepsPlainTextAndValidUtf8) {
  EXPECT_EQ(Printable(""), "");
  EXPECT_EQ(Printable("apps/items/_prod_web ~!\"'{}"), "apps/items/_prod_web ~!\"'{}");
  EXPECT_EQ(Printable("_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"),
            "_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
}

TEST(Printable, EscapesControlCharacters) {
  EXPECT_EQ(Printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(Printable("line\nforged: ok\r\t"), "line\\x0Aforged: ok\\x0D\\x09");
  EXPECT_EQ(Printable("\x1b[2J"), "\\x1B[2J");   // a terminal's escape sequence
  EXPECT_EQ(Printable("\x1f \x20"), "\\x1F  ");  // 0x1F the last control, space printed
  EXPECT_EQ(Printable("\x7f"), "\\x7F");
  // C1 controls (U+0080..U+009F) are valid UTF-8 yet drive some terminals:
  // both bytes escaped. U+00A0 is printed.
  EXPECT_EQ(Printable("\xC2\x80|\xC2\x9F|\xC2\xA0"), "\\xC2\\x80|\\xC2\\x9F|\xC2\xA0");
}

TEST(Printable, EscapesTheBackslashSoEscapesCannotBeForged) {
  EXPECT_EQ(Printable("a\\x41"), "a\\x5Cx41");
}

TEST(Printable, EscapesInvalidUtf8ByteByByte) {
  EXPECT_EQ(Printable("\xFF"), "\\xFF");
  EXPECT_EQ(Printable("ab\xE6\x97"), "ab\\xE6\\x97");                // cut short at the end
  EXPECT_EQ(Printable("\xE6\x97x"), "\\xE6\\x97x");                  // cut short by ASCII
  EXPECT_EQ(Printable("\xC0\xAF"), "\\xC0\\xAF");                    // overlong '/'
  EXPECT_EQ(Printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");           // a surrogate
  EXPECT_EQ(Printable("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(Printable("\x80\xC3\xA9"), "\\x80\xC3\xA9");             // resynchronises
}

TEST(Printable, CutsLongTextAndNamesItsLength) {
  EXPECT_EQ(Printable("abcdef", 6), "abcdef");
  EXPECT_EQ(Printable("abcdefg", 6), "abcdef... (7 bytes)");
  EXPECT_EQ(Printable(std::string(1000, 'x')), std::string(200, 'x') + "... (1000 bytes)");
  // Escapes count as what they print; a started escape is finished.
  EXPECT_EQ(Printable("\n\n\n", 5), "\\x0A\\x0A... (3 bytes)");
}

}  // namespace
}  // namespace baton::util
