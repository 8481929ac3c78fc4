// What the package installs besides the binary, tried as a shell and `man`
// use them: the man pages written from --help, and the bash and zsh
// completion (the completion functions driven as the shells would).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_env.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The commands `baton --help` lists.
std::vector<std::string> Commands() {
  return Lines(Shell("'" + BatonBinary() +
                     "' --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ "
                     "{ print $1 }'"));
}

// The long flags a command's --help lists in its option column.
std::vector<std::string> Flags(const std::string& command) {
  return Lines(Shell("'" + BatonBinary() + "' " + command +
                     " --help | awk '/^ +-/ { n = split($1, f, \",\"); for (i = 1; i <= n; i++) "
                     "{ s = f[i]; sub(/[{=].*/, \"\", s); if (s ~ /^--/) print s } }'"));
}

TEST(Packaging, EveryCommandHasAManPageNamingItsFlags) {
  const std::string man_dir = std::filesystem::path(BatonBinary()).parent_path().string() + "/man";
  const std::vector<std::string> commands = Commands();
  ASSERT_GE(commands.size(), 11u);
  int rc = 0;
  // Without hyphenation, so that names are not broken across lines.
  const std::string top =
      Shell("MANWIDTH=100 man --nh -P cat -l '" + man_dir + "/baton.1.gz' 2>&1", &rc);
  ASSERT_EQ(rc, 0) << top;
  EXPECT_THAT(top, HasSubstr("BATON_BACKUP_LOCATION"));
  EXPECT_THAT(top, HasSubstr("EXIT STATUS"));
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    EXPECT_THAT(top, HasSubstr("baton-" + command + "(1)"));
    const std::string page = Shell(
        "MANWIDTH=200 man --nh -P cat -l '" + man_dir + "/baton-" + command + ".1.gz' 2>&1", &rc);
    ASSERT_EQ(rc, 0) << page;
    for (const std::string& flag : Flags(command)) EXPECT_THAT(page, HasSubstr(flag));
  }
}

// Runs `script` with `shell` (from a file: no quoting to get wrong).
std::string RunScript(const std::string& shell, const std::string& script) {
  const std::string path = TempDir() + "/script";
  std::ofstream(path) << script;
  return Shell(shell + " '" + path + "' 2>&1");
}

// What bash's completion offers after `words` (the last is being typed).
std::string BashCompletes(const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& w : words) array += " '" + w + "'";
  const std::string script = "source '" + SourceDir() +
                             "/packaging/completion/baton.bash'; COMP_WORDS=('" + BatonBinary() +
                             "'" + array + "); COMP_CWORD=" + std::to_string(words.size()) +
                             "; _baton; printf '%s\\n' \"${COMPREPLY[@]}\"";
  return RunScript("bash --norc", script);
}

TEST(Packaging, BashCompletesCommandsAndFlags) {
  EXPECT_EQ(BashCompletes({"bac"}), "backup\n");
  EXPECT_EQ(BashCompletes({"re"}), "restore\nrecover\n");
  EXPECT_EQ(BashCompletes({"backup", "--backup_l"}), "--backup_location\n");
  EXPECT_EQ(BashCompletes({"--log_level", "info", "restore", "--no_safety"}),
            "--no_safety_backup\n");
  // baton's own flags after the command; the help's examples are not flags.
  EXPECT_EQ(BashCompletes({"restore", "--log_l"}), "--log_level\n");
  EXPECT_EQ(BashCompletes({"restore", "--zk"}), "--zk\n--zk_timeout\n--zk_session_timeout\n");
}

// Sources the zsh completion with compadd replaced by a function that
// prints what it was given.
std::string ZshCompletes(const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& w : words) array += " '" + w + "'";
  const std::string script =
      "compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\" }; _files() { print FILES }; "
      "words=('" +
      BatonBinary() + "'" + array + "); CURRENT=" + std::to_string(words.size() + 1) +
      "; source '" + SourceDir() + "/packaging/completion/_baton'";
  return RunScript("zsh -f", script);
}

TEST(Packaging, ZshCompletesCommandsAndFlags) {
  const std::string commands = ZshCompletes({"b"});
  EXPECT_THAT(commands, HasSubstr("backup\n"));
  EXPECT_THAT(commands, HasSubstr("agent\n"));
  const std::string flags = ZshCompletes({"backup", "--backup"});
  EXPECT_THAT(flags, HasSubstr("--backup_location\n"));
  EXPECT_THAT(flags, ::testing::Not(HasSubstr("--force\n")));  // restore's, not backup's
  EXPECT_EQ(ZshCompletes({"backup", "file"}), "FILES\n");
}

}  // namespace
}  // namespace baton::testing
