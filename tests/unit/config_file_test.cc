#include "cli/config_file.h"

#include <gtest/gtest.h>

namespace baton::cli {
namespace {

using Values = std::vector<std::string>;

TEST(ConfigFile, ReadsTomlAndIniForms) {
  auto s = ParseConfigFile(
      "\xEF\xBB\xBF# TOML\n"
      "zk = \"zk://h:2181/m\"  # comment\n"
      "; INI comment\n"
      "[backup]\n"
      "exclude = [\"/a\", '/b\\\\', c , \"d,e\"]\n"
      "on_failure = logger -t baton \"failed\" ; comment\n"
      "quoted = \"say \\\"hi\\\"\\\\ \\t#\"\n"
      "empty =\n"
      "  [ restore ]  \n"
      "dry-run=true\n");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].section, "");
  EXPECT_EQ(s[0].name, "zk");
  EXPECT_EQ(s[0].values, Values{"zk://h:2181/m"});
  EXPECT_EQ(s[1].section, "backup");
  EXPECT_EQ(s[1].values, (Values{"/a", "/b\\\\", "c", "d,e"}));
  EXPECT_EQ(s[2].values, Values{"logger -t baton \"failed\""});
  EXPECT_EQ(s[3].values, Values{"say \"hi\"\\ \t#"});
  EXPECT_EQ(s[4].section, "restore");
  EXPECT_EQ(s[4].name, "dry-run");
  EXPECT_EQ(s[4].line, 10);
}

TEST(ConfigFile, RefusesWhatItCannotReadNamingTheLineNotItsText) {
  for (const char* text :
       {"zk\n", "password: secret\n", "[backup\n", "[]\n", "a = \"open\n", "a = [1, 2\n",
        "a = \"x\" y\n", "a = \"\\q\"\n", "= 1\n", "a b = 1\n", "[backup] x\n"}) {
    try {
      ParseConfigFile(text);
      ADD_FAILURE() << text;
    } catch (const ConfigSyntaxError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("line 1: ", 0), 0u) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace baton::cli
