// The sources of the chain that need no network. The network sources (web
// identity, ECS, EC2 metadata) are tested against loopback servers in
// tests/integration/s3_test.cc.
#include "storage/s3/credential_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "baton/error.h"
#include "support/test_env.h"

namespace baton::storage::s3 {
namespace {

using ::testing::HasSubstr;

Environment Env(std::map<std::string, std::string> vars) {
  // Never reach for the real instance metadata endpoint from a unit test.
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  return [vars](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

TEST(CredentialChain, UriKeysComeFirst) {
  Credentials c =
      ResolveCredentials({{"access_key", "AK"}, {"secret_key", "SK"}}, "us-east-1",
                         Env({{"AWS_ACCESS_KEY_ID", "ENVAK"}, {"AWS_SECRET_ACCESS_KEY", "x"}}));
  EXPECT_EQ(c.access_key, "AK");
  EXPECT_EQ(c.source, "the backup location URI");
}

TEST(CredentialChain, HalfAKeyPairIsAnError) {
  EXPECT_THROW(ResolveCredentials({{"access_key", "AK"}}, "us-east-1", Env({})), Error);
}

TEST(CredentialChain, EnvironmentWithSessionToken) {
  Credentials c = ResolveCredentials({}, "us-east-1",
                                     Env({{"AWS_ACCESS_KEY_ID", "AK"},
                                          {"AWS_SECRET_ACCESS_KEY", "SK"},
                                          {"AWS_SESSION_TOKEN", "TOK"}}));
  EXPECT_EQ(c.access_key, "AK");
  EXPECT_EQ(c.session_token, "TOK");
  EXPECT_EQ(c.source, "environment variables");
}

TEST(CredentialChain, ProfilesFromCredentialsAndConfigFiles) {
  std::string dir = testing::TempDir();
  std::ofstream(dir + "/credentials")
      << "[default]\naws_access_key_id = DEFAULTAK\n"
         "aws_secret_access_key = DEFAULTSK\n\n"
         "[ops]\naws_access_key_id=OPSAK\naws_secret_access_key=OPSSK\n"
         "aws_session_token=OPSTOK\n";
  std::ofstream(dir + "/config")
      << "[profile cfg]\naws_access_key_id = CFGAK\naws_secret_access_key = CFGSK\n";
  std::map<std::string, std::string> base{{"AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"},
                                          {"AWS_CONFIG_FILE", dir + "/config"}};
  EXPECT_EQ(ResolveCredentials({}, "us-east-1", Env(base)).access_key, "DEFAULTAK");
  auto with = [&](const std::string& profile) {
    auto vars = base;
    vars["AWS_PROFILE"] = profile;
    return ResolveCredentials({}, "us-east-1", Env(vars));
  };
  Credentials ops = with("ops");
  EXPECT_EQ(ops.access_key, "OPSAK");
  EXPECT_EQ(ops.session_token, "OPSTOK");
  EXPECT_THAT(ops.source, HasSubstr("profile 'ops'"));
  EXPECT_EQ(with("cfg").access_key, "CFGAK");
  EXPECT_THROW(with("missing"), Error);
  // Home directory defaults.
  std::string home = testing::TempDir();
  std::filesystem::create_directories(home + "/.aws");
  std::ofstream(home + "/.aws/credentials")
      << "[default]\naws_access_key_id=HOMEAK\naws_secret_access_key=S\n";
  EXPECT_EQ(ResolveCredentials({}, "us-east-1", Env({{"HOME", home}})).access_key, "HOMEAK");
}

TEST(CredentialChain, NothingFoundSaysWhereItLooked) {
  try {
    ResolveCredentials({}, "us-east-1", Env({{"HOME", "/nonexistent"}}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("AWS_ACCESS_KEY_ID"));
  }
}

}  // namespace
}  // namespace baton::storage::s3
