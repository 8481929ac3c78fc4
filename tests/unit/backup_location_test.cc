#include "storage/backup_location.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "baton/error.h"
#include "baton/storage.h"
#include "cli/process_title.h"
#include "storage/s3/s3_storage.h"

namespace baton {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(BackupLocation, SplitsUriParts) {
  auto loc = storage::BackupLocation::Parse(
      "s3://bucket-name/key/in/bucket?region=eu-central-1&access_key=AK&secret_key=S%2FK");
  EXPECT_EQ(loc.scheme, "s3");
  EXPECT_EQ(loc.authority, "bucket-name");
  EXPECT_EQ(loc.path, "/key/in/bucket");
  EXPECT_EQ(loc.params.at("region"), "eu-central-1");
  EXPECT_EQ(loc.params.at("secret_key"), "S/K");
  EXPECT_EQ(loc.Redacted(),
            "s3://bucket-name/key/in/bucket?access_key=***&region=eu-central-1&secret_key=***");
}

// Found by the backup_location fuzzer: a decoded '?' in the path made the
// redacted form parse into another location.
TEST(BackupLocation, RedactedFormParsesBackToTheSameLocation) {
  auto loc = storage::BackupLocation::Parse(
      "s3://b/dir%3Fsecret_key=x/k%23%20?region=a%26b&secret_key=s%3D1");
  EXPECT_EQ(loc.path, "/dir?secret_key=x/k# ");
  auto again = storage::BackupLocation::Parse(loc.Redacted());
  EXPECT_EQ(again.path, loc.path);
  EXPECT_EQ(again.params.at("region"), "a&b");
  EXPECT_EQ(again.params.at("secret_key"), "***");
}

TEST(BackupLocation, FileUris) {
  auto loc = storage::BackupLocation::Parse("file:///var/backups/with%20space.tar");
  EXPECT_EQ(loc.scheme, "file");
  EXPECT_EQ(loc.authority, "");
  EXPECT_EQ(loc.path, "/var/backups/with space.tar");
  EXPECT_EQ(storage::BackupLocation::Parse("file:/abs/path.tar").path, "/abs/path.tar");
}

TEST(BackupLocation, TimePlaceholderBecomesTheUtcTime) {
  auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1502195696789));
  EXPECT_EQ(storage::ExpandTimePlaceholder("file:///b/baton-{timestamp}.tar", at),
            "file:///b/baton-20170808T123456.789Z.tar");
  EXPECT_EQ(storage::ExpandTimePlaceholder("s3://b/{timestamp}/{timestamp}.tar?region=x", at),
            "s3://b/20170808T123456.789Z/20170808T123456.789Z.tar?region=x");
  EXPECT_EQ(storage::ExpandTimePlaceholder("file:///b/plain.tar", at), "file:///b/plain.tar");
}

TEST(OpenStorage, AcceptsAbsoluteFilePaths) {
  EXPECT_EQ(OpenStorage("file:///tmp/b.tar")->Describe(), "file:///tmp/b.tar");
  EXPECT_EQ(OpenStorage("FILE:/tmp/b.tar")->Describe(), "file:///tmp/b.tar");
}

TEST(OpenStorage, RefusesBadLocationsClearly) {
  struct Case {
    const char* location;
    const char* message;
  };
  const Case cases[] = {
      {"file://relative/path.tar", "local path"},
      {"file:relative.tar", "absolute"},
      {"file://", "absolute"},
      {"file:///", "directory"},
      {"ftp://host/file.tar", "unknown scheme 'ftp'"},
      {"/just/a/path.tar", "expected a URI"},
      {"", "expected a URI"},
      {"file:///bad%zzescape", "percent-escape"},
  };
  for (const Case& c : cases) {
    try {
      OpenStorage(c.location);
      ADD_FAILURE() << "accepted " << c.location;
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message)) << c.location << ": " << e.what();
    }
  }
}

// Secret parameters spelt otherwise (percent-encoded, upper case, a typo)
// are still secrets: only the parameters known to be public show a value.
const char kOddSecrets[] =
    "s3://b/k?secret%5Fkey=pct-secret&SECRET_KEY=upper-secret&secretkey=typo-secret"
    "&Access_Key=mixed-secret&session%5ftoken=token-secret&region=eu-west-1";
const char* const kOddSecretValues[] = {"pct-secret", "upper-secret", "typo-secret", "mixed-secret",
                                        "token-secret"};

TEST(BackupLocation, SecretsSpeltOtherwiseAreRedacted) {
  auto loc = storage::BackupLocation::Parse(kOddSecrets);
  EXPECT_EQ(loc.params.at("secret_key"), "pct-secret") << "decoded, and so used";
  const std::string redacted = loc.Redacted();
  for (const char* secret : kOddSecretValues) {
    EXPECT_THAT(redacted, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(redacted, HasSubstr("region=eu-west-1"));
}

TEST(BackupLocation, UnknownParametersNeverShowTheirValue) {
  for (const char* location :
       {"s3://b/k?SECRET_KEY=upper-secret", "s3://b/k?secretkey=typo-secret",
        "s3://b/k?Secret_Key=mixed-secret", "s3://b/k?acess%5Fkey=typo-secret"}) {
    try {
      storage::s3::S3Storage::FromLocation(location,
                                           [](const std::string&) { return std::string(); });
      ADD_FAILURE() << "accepted " << location;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_THAT(what, HasSubstr("unknown parameter"));
      EXPECT_THAT(what, Not(HasSubstr("-secret")));
    }
  }
}

// secret_key=ab&cd=ef: an unescaped '&' in a secret makes "cd" a parameter.
const char kSplitSecret[] = "s3://b/k?secret_key=ab&PARTOFSECRET=ef&region=eu-west-1";

TEST(BackupLocation, UnknownParametersAreRedactedWhole) {
  const std::string redacted = storage::BackupLocation::Parse(kSplitSecret).Redacted();
  EXPECT_THAT(redacted, Not(HasSubstr("PARTOFSECRET")));
  EXPECT_THAT(redacted, Not(HasSubstr("ef")));
  EXPECT_THAT(redacted, HasSubstr("secret_key=***"));
  EXPECT_THAT(redacted, HasSubstr("region=eu-west-1"));
}

TEST(ProcessTitle, UnknownParametersAreMaskedWhole) {
  std::string location = kSplitSecret;
  std::string name = "baton";
  char* argv[] = {name.data(), location.data(), nullptr};
  cli::HideSecretsInProcessTitle(2, argv);
  const std::string title = argv[1];
  EXPECT_THAT(title, Not(HasSubstr("PARTOFSECRET")));
  EXPECT_THAT(title, Not(HasSubstr("ef&")));
  EXPECT_THAT(title, HasSubstr("region=eu-west-1"));
}

TEST(ProcessTitle, SecretsSpeltOtherwiseAreMasked) {
  std::string location = kOddSecrets;
  std::string zk = "zk://u:zk-secret@h:1/p";
  std::string name = "baton";
  char* argv[] = {name.data(), location.data(), zk.data(), nullptr};
  cli::HideSecretsInProcessTitle(3, argv);
  const std::string title = std::string(argv[1]) + " " + argv[2];
  for (const char* secret : kOddSecretValues) {
    EXPECT_THAT(title, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(title, Not(HasSubstr("zk-secret")));
  EXPECT_THAT(title, HasSubstr("region=eu-west-1"));
  EXPECT_EQ(title.size(), std::string(kOddSecrets).size() + 1 + zk.size()) << "masked in place";
}

}  // namespace
}  // namespace baton
