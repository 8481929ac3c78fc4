// Digests and encodings (util/digest.h) against published test vectors.
#include "util/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::util {
namespace {

TEST(Digest, HexIsLowerCaseTwoDigitsAByte) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(Hex(bytes, sizeof bytes), "000fa0ff");
  EXPECT_EQ(Hex(bytes, 0), "");
}

TEST(Digest, Base64FollowsRfc4648) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\0\xff\xfe", 3)), "AP/+");
}

TEST(Digest, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, Sha256InPiecesEqualsSha256AtOnce) {
  std::string text(100'000, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 31 % 251);
  Sha256 pieces;
  pieces.Update("");
  for (size_t at = 0; at < text.size(); at += 7777) pieces.Update(text.substr(at, 7777));
  EXPECT_EQ(pieces.HexDigest(), Sha256Hex(text));
  Sha256 none;
  EXPECT_EQ(none.HexDigest(), Sha256Hex(""));
  // Reset starts over after a digest, and in the middle of one.
  pieces.Reset();
  pieces.Update("ab");
  pieces.Reset();
  pieces.Update("abc");
  EXPECT_EQ(pieces.HexDigest(), Sha256Hex("abc"));
}

TEST(Digest, Md5Base64IsContentMd5) {
  EXPECT_EQ(Md5Base64("", 0), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Md5Base64("The quick brown fox jumps over the lazy dog", 43),
            "nhB9nTcrtoJr2B01QqQZ1g==");
}

}  // namespace
}  // namespace baton::util
