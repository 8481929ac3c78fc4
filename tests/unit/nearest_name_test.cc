#include "cli/nearest_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton::cli {
namespace {

TEST(NearestName, CountsEditsAndSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("backup", "backup"), 0u);
  EXPECT_EQ(EditDistance("bakup", "backup"), 1u);    // a letter left out
  EXPECT_EQ(EditDistance("backupp", "backup"), 1u);  // one too many
  EXPECT_EQ(EditDistance("bcakup", "backup"), 1u);   // two swapped
  EXPECT_EQ(EditDistance("restore", "recover"), 4u);
  EXPECT_EQ(EditDistance("", "zk"), 2u);
}

TEST(NearestName, NamesOnlyWhatIsNearEnoughToBeATypo) {
  const std::vector<std::string> commands = {"backup", "restore", "recover", "list", "prune"};
  EXPECT_EQ(NearestName("bakup", commands), "backup");
  EXPECT_EQ(NearestName("restor", commands), "restore");
  EXPECT_EQ(NearestName("lsit", commands), "list");
  EXPECT_EQ(NearestName("frobnicate", commands), "");
  EXPECT_EQ(NearestName("x", commands), "");
  EXPECT_EQ(DidYouMean("prnue", commands), "; did you mean prune?");
  EXPECT_EQ(DidYouMean("zzz", commands), "");
}

TEST(NearestName, DashesInFlagNamesBecomeUnderscoresBeforeADoubleDash) {
  std::vector<std::string> args = {"baton",     "backup",      "--backup-location=file:///a-b.tar",
                                   "--dry-run", "-q",          "value-with-dash",
                                   "--",        "--not-a-flag"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  UnderscoreFlagNames(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(args[2], "--backup_location=file:///a-b.tar");  // the value keeps its dashes
  EXPECT_EQ(args[3], "--dry_run");
  EXPECT_EQ(args[4], "-q");
  EXPECT_EQ(args[5], "value-with-dash");
  EXPECT_EQ(args[7], "--not-a-flag");
}

}  // namespace
}  // namespace baton::cli
