#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3/sigv4_signer.h"

namespace baton::storage::s3 {
namespace {

using ::testing::HasSubstr;

// 2015-08-30T12:36:00Z, the date of AWS's Signature V4 test suite.
constexpr std::time_t kSuiteTime = 1440938160;

// AWS's Signature V4 test suite, "get-vanilla".
TEST(SigV4, GetVanilla) {
  SigV4Signer signer({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"},
                     "us-east-1", "service");
  SignableRequest r{"GET", "/", {}, {{"host", "example.amazonaws.com"}}, Sha256Hex("")};
  signer.Sign(r, kSuiteTime);
  EXPECT_EQ(r.headers["x-amz-date"], "20150830T123600Z");
  EXPECT_EQ(r.headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// The S3 documentation's example: GET /test.txt with a Range header.
TEST(SigV4, S3GetObjectExample) {
  SigV4Signer signer(
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "test"}, "us-east-1",
      "s3");
  SignableRequest r{"GET",
                    "/test.txt",
                    {},
                    {{"host", "examplebucket.s3.amazonaws.com"}, {"range", "bytes=0-9"}},
                    Sha256Hex("")};
  signer.Sign(r, 1369353600);  // 2013-05-24T00:00:00Z
  EXPECT_EQ(r.headers["x-amz-content-sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(r.headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, SessionTokenIsSignedAndSent) {
  SigV4Signer signer({"AK", "SK", "TOKEN", "test"}, "eu-central-1", "s3");
  SignableRequest r{"PUT", "/b/k", {}, {{"host", "h"}}, Sha256Hex("x")};
  signer.Sign(r, kSuiteTime);
  EXPECT_EQ(r.headers["x-amz-security-token"], "TOKEN");
  EXPECT_THAT(r.headers["authorization"], HasSubstr("x-amz-security-token"));
  EXPECT_THAT(r.headers["authorization"], HasSubstr("/eu-central-1/s3/"));
}

TEST(SigV4, CanonicalQueryAndPathEncoding) {
  EXPECT_EQ(SigV4Signer::CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(SigV4Signer::CanonicalQuery({{"uploadId", "a/b+c=d"}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=a%2Fb%2Bc%3Dd");
  EXPECT_EQ(SigV4Signer::UriEncode("/bucket/a b/ü~._-", true), "/bucket/a%20b/%C3%BC~._-");
}

TEST(SigV4, Md5ForContentMd5) {
  EXPECT_EQ(Md5Base64("", 0), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Md5Base64("hello", 5), "XUFAKrxLKna5cZ2REBfFkg==");
}

}  // namespace
}  // namespace baton::storage::s3
