// Where flags come from, as an operator sets them: the command line (with -
// or _), BATON_* variables and a --config file, in that order of precedence,
// for every command; safety overrides only typed; mistyped names answered
// with the nearest valid one; --version, --help, the final error's form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/test_env.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// --print_config checks the command line first: every command gets the
// location it requires from the environment (copy's two URLs are typed).
class FlagSources : public ::testing::Test {
 protected:
  void SetUp() override { setenv("BATON_BACKUP_LOCATION", "file:///tmp/x.tar", 1); }
  void TearDown() override { unsetenv("BATON_BACKUP_LOCATION"); }
};

// The environment without the fixture's location, for tests that set it in
// a file (which the environment would win over).
const std::map<std::string, std::string> kNoLocation = {{"BATON_BACKUP_LOCATION", ""}};

// A config file in a fresh directory.
std::string ConfigFile(const std::string& text) {
  const std::string path = TempDir() + "/baton.toml";
  std::ofstream(path) << text;
  return path;
}

struct Setting {
  const char* command;
  const char* name;
  const char* values[3];  // from the file, the environment, the command line
};

// One setting of every command, set from each source in turn.
const Setting kSettings[] = {
    {"backup", "zk_timeout", {"1111", "2222", "3333"}},
    {"restore", "zk_timeout", {"1111", "2222", "3333"}},
    {"recover", "zk_timeout", {"1111", "2222", "3333"}},
    {"serve", "zk_timeout", {"1111", "2222", "3333"}},
    {"verify", "metrics_file", {"/f.prom", "/e.prom", "/c.prom"}},
    {"inspect", "metrics_file", {"/f.prom", "/e.prom", "/c.prom"}},
    {"diff", "limit", {"11", "22", "33"}},
    {"copy", "zk_session_timeout", {"5111", "5222", "5333"}},
    {"list", "metrics_file", {"/f.prom", "/e.prom", "/c.prom"}},
    {"prune", "keep_last", {"11", "22", "33"}},
    {"agent", "interval", {"11m", "22m", "33m"}},
};

// `command --print_config` with `more`; copy also gets the source and
// target it requires (the others' location comes from the fixture).
std::vector<std::string> PrintArgs(const std::string& command, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {command, "--print_config"};
  if (command == "copy") args.insert(args.end(), {"zk://127.0.0.1:1/a", "zk://127.0.0.1:1/b"});
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string Line(const Setting& s, int source) {
  return std::string("\n") + s.name + " = \"" + s.values[source] + "\"\n";
}

TEST_F(FlagSources, FlagBeatsEnvironmentBeatsFileBeatsDefaultForEveryCommand) {
  for (const Setting& s : kSettings) {
    SCOPED_TRACE(s.command);
    const std::string env = "BATON_" + [&] {
      std::string upper = s.name;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      return upper;
    }();
    // A top-level setting applies to the command that has it.
    const std::string file = ConfigFile(std::string(s.name) + " = \"" + s.values[0] + "\"\n");
    RunResult base = RunBaton(PrintArgs(s.command));
    ASSERT_EQ(base.exit_code, 0) << base.err;
    EXPECT_THAT(base.out, HasSubstr("[" + std::string(s.command) + "]"));
    EXPECT_THAT(base.out, Not(HasSubstr(Line(s, 0))));

    RunResult from_file = RunBaton(PrintArgs(s.command, {"--config", file}));
    EXPECT_THAT(from_file.out, HasSubstr(Line(s, 0))) << from_file.err;

    RunResult from_env =
        RunBaton(PrintArgs(s.command, {"--config", file}), 60, {{env, s.values[1]}});
    EXPECT_THAT(from_env.out, HasSubstr(Line(s, 1))) << from_env.err;

    RunResult from_flag =
        RunBaton(PrintArgs(s.command, {"--config", file, std::string("--") + s.name, s.values[2]}),
                 60, {{env, s.values[1]}});
    EXPECT_THAT(from_flag.out, HasSubstr(Line(s, 2))) << from_flag.err;

    // BATON_CONFIG names the file when --config does not.
    RunResult named = RunBaton(PrintArgs(s.command), 60, {{"BATON_CONFIG", file}});
    EXPECT_THAT(named.out, HasSubstr(Line(s, 0))) << named.err;
  }
}

TEST_F(FlagSources, ASectionAppliesToItsCommandOnly) {
  const std::string file = ConfigFile(
      "zk = \"zk://127.0.0.1:2181/top\"\n"
      "[restore]\nzk = \"zk://127.0.0.1:2181/restore\"\n");
  RunResult backup = RunBaton({"backup", "--print_config", "--config", file});
  EXPECT_THAT(backup.out, HasSubstr("zk = \"zk://127.0.0.1:2181/top\"")) << backup.err;
  RunResult restore = RunBaton({"restore", "--print_config", "--config", file});
  EXPECT_THAT(restore.out, HasSubstr("zk = \"zk://127.0.0.1:2181/restore\"")) << restore.err;
  // A setting only other commands have is left to them.
  RunResult list = RunBaton({"list", "--print_config", "--config", file});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST_F(FlagSources, AnIniFileIsReadToo) {
  const std::string file = ConfigFile(
      "; Baton's settings\n[backup]\nzk_timeout=4321\nbackup_location=file:///tmp/ini.tar\n");
  RunResult r = RunBaton({"backup", "--print_config", "--config", file}, 60, kNoLocation);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("zk_timeout = \"4321\""));
  EXPECT_THAT(r.out, HasSubstr("backup_location = \"file:///tmp/ini.tar\""));
}

TEST_F(FlagSources, ValuesAreReadWholeAndSecretsInBadLinesAreNotEchoed) {
  const std::string file = ConfigFile(
      "backup_location = \"file:///tmp/d d#x.tar\"  # a comment\n"
      "zk = 'zk://u:pa#ss@127.0.0.1:2181/m'\n"
      "on_failure = logger -t baton failed ; an INI comment\n"
      "exclude = /a,/b\n");
  RunResult r = RunBaton({"backup", "--print_config", "--config", file}, 60, kNoLocation);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("backup_location = \"file:///tmp/d d#x.tar\"\n"));
  EXPECT_THAT(r.out, HasSubstr("zk = \"zk://u:*****@127.0.0.1:2181/m\"\n"));
  EXPECT_THAT(r.out, HasSubstr("on_failure = \"logger -t baton failed\"\n"));
  EXPECT_THAT(r.out, HasSubstr("exclude = \"/a,/b\"\n"));  // one glob, as BATON_EXCLUDE's

  RunResult bad = RunBaton({"serve", "--print_config", "--config",
                            ConfigFile("[serve]\nhttp_credentials: admin:Top\n")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("line 2: expected name = value"));
  EXPECT_THAT(bad.err, Not(HasSubstr("Top")));
}

TEST_F(FlagSources, TheEnvironmentBeatsTheFileWhicheverNameTheFileUses) {
  const std::string file = ConfigFile("no_restore_counters = true\n");
  RunResult file_only = RunBaton({"restore", "--print_config", "--config", file});
  EXPECT_THAT(file_only.out, HasSubstr("restore_counters = \"false\"")) << file_only.err;
  RunResult env = RunBaton({"restore", "--print_config", "--config", file}, 60,
                           {{"BATON_RESTORE_COUNTERS", "true"}});
  EXPECT_THAT(env.out, HasSubstr("restore_counters = \"true\"")) << env.err;
}

TEST_F(FlagSources, PrintConfigChecksTheCommandLineFirst) {
  EXPECT_EQ(RunBaton({"restore", "--print_config", "--bogus"}).exit_code, 2);
  EXPECT_EQ(RunBaton({"restre", "--print_config"}).exit_code, 2);
  EXPECT_EQ(RunBaton({"prune", "--print_config", "--keep_last", "-3"}).exit_code, 2);
}

TEST_F(FlagSources, TheConfigFileCanBecomeTheSettingsItPrinted) {
  RunResult printed = RunBaton({"backup", "--print_config", "--backup_location",
                                "file:///tmp/a b \"c\".tar", "--exclude", "/x", "--exclude", "/y"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::string file = ConfigFile(printed.out);
  RunResult again = RunBaton({"backup", "--print_config", "--config", file}, 60, kNoLocation);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, printed.out);
}

TEST_F(FlagSources, SafetyOverridesMustBeTyped) {
  RunResult env = RunBaton({"restore", "--print_config"}, 60,
                           {{"BATON_FORCE", "true"}, {"BATON_NO_SAFETY_BACKUP", "true"}});
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_THAT(env.out, Not(HasSubstr("force = \"true\"")));
  RunResult warned = RunBaton({"restore", "--backup_location", "file:///nowhere/x.tar"}, 60,
                              {{"BATON_FORCE", "true"}});
  EXPECT_EQ(warned.exit_code, 1);
  EXPECT_THAT(warned.err, HasSubstr("BATON_FORCE is ignored: --force must be typed"));
  RunResult typed = RunBaton({"restore", "--print_config", "--force"});
  EXPECT_THAT(typed.out, HasSubstr("# typed only: force = \"true\""));

  for (const char* name : {"force", "no_safety_backup", "allow_empty", "skip_unreadable"}) {
    const std::string file = ConfigFile(std::string("[restore]\n") + name + " = true\n");
    RunResult r = RunBaton({"restore", "--print_config", "--config", file});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_THAT(r.err, HasSubstr(std::string(name) + " overrides a safety check")) << r.err;
  }
}

TEST_F(FlagSources, FlagsAreTypedWithDashesOrUnderscores) {
  RunResult dashes = RunBaton(
      {"backup", "--print-config", "--backup-location", "file:///tmp/d.tar", "--zk-timeout=1234"});
  ASSERT_EQ(dashes.exit_code, 0) << dashes.err;
  EXPECT_THAT(dashes.out, HasSubstr("backup_location = \"file:///tmp/d.tar\""));
  EXPECT_THAT(dashes.out, HasSubstr("zk_timeout = \"1234\""));
  const std::string file = ConfigFile("zk-timeout = 4321\n");
  RunResult from_file = RunBaton({"backup", "--print_config", "--config", file});
  EXPECT_THAT(from_file.out, HasSubstr("zk_timeout = \"4321\"")) << from_file.err;
}

TEST_F(FlagSources, MistypedNamesGetTheNearestValidOne) {
  RunResult command = RunBaton({"bakup", "--backup_location", "file:///tmp/x.tar"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_THAT(command.err, HasSubstr("unknown command 'bakup'; did you mean backup?"));

  RunResult flag = RunBaton({"backup", "--bakup_location", "file:///tmp/x.tar"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_THAT(flag.err,
              HasSubstr("unknown flag --bakup_location; did you mean --backup_location?"));
  EXPECT_THAT(flag.err, HasSubstr("see baton backup --help"));

  RunResult setting =
      RunBaton({"backup", "--print_config", "--config", ConfigFile("zk_timout = 5\n")});
  EXPECT_EQ(setting.exit_code, 2);
  EXPECT_THAT(setting.err, HasSubstr("unknown setting zk_timout; did you mean zk_timeout?"));

  RunResult section =
      RunBaton({"backup", "--print_config", "--config", ConfigFile("[restor]\nzk = \"x\"\n")});
  EXPECT_EQ(section.exit_code, 2);
  EXPECT_THAT(section.err, HasSubstr("no command [restor]; did you mean restore?"));

  RunResult far = RunBaton({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_THAT(far.err, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_THAT(far.err, Not(HasSubstr("did you mean")));
}

TEST_F(FlagSources, EachCommandsHelpIsItsOwn) {
  RunResult top = RunBaton({"--help"});
  for (const char* command : {"backup", "restore", "recover", "serve", "verify", "inspect", "diff",
                              "copy", "list", "prune", "agent"}) {
    SCOPED_TRACE(command);
    EXPECT_THAT(top.out, HasSubstr(std::string("\n  ") + command + " "));
    RunResult help = RunBaton({command, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.out, HasSubstr(std::string("Usage: baton ") + command + " "));
    EXPECT_THAT(help.out, HasSubstr("BATON_"));  // each flag's variable
  }
  // Flags of other commands are not shown.
  EXPECT_THAT(RunBaton({"list", "--help"}).out, Not(HasSubstr("--layout")));
  EXPECT_THAT(RunBaton({"verify", "--help"}).out, Not(HasSubstr("--force")));
}

TEST_F(FlagSources, SecretsAreNeverPrinted) {
  const std::map<std::string, std::string> env = {
      {"BATON_ZK", "zk://user:hunter2@127.0.0.1:2181/marathon"},
      {"BATON_BACKUP_LOCATION", "s3://b/k.tar?access_key=AK&secret_key=hunter3"}};
  RunResult help = RunBaton({"backup", "--help"}, 60, env);
  EXPECT_THAT(help.out, Not(HasSubstr("hunter")));
  RunResult printed = RunBaton({"backup", "--print_config"}, 60, env);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_THAT(printed.out, Not(HasSubstr("hunter")));
  EXPECT_THAT(printed.out, HasSubstr("zk://user:*******@127.0.0.1:2181/marathon"));
}

TEST_F(FlagSources, VersionNamesTheCommitAndTheLibraries) {
  RunResult r = RunBaton({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("baton 0.2.0"));
  for (const char* library : {"ZooKeeper C client", "libarchive", "libcurl", "OpenSSL", "protobuf",
                              "spdlog", "nlohmann-json", "CLI11", "cpp-httplib"}) {
    EXPECT_THAT(r.out, HasSubstr(library));
  }
  int git = 0;
  const std::string commit =
      Shell("git -C '" + SourceDir() + "' rev-parse --short=12 HEAD 2>/dev/null", &git);
  if (git == 0) {
    EXPECT_THAT(r.out, HasSubstr("git commit " + commit.substr(0, 12)));
  }
}

TEST_F(FlagSources, TheFinalErrorIsJsonWithJsonLogs) {
  RunResult r =
      RunBaton({"--log_format", "json", "backup", "--backup_location", "file:///tmp/x.tar", "--zk",
                "zk://127.0.0.1:1/x", "--zk_timeout", "300"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  auto line = nlohmann::json::parse(last);
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["exit_code"], 1);
  EXPECT_THAT(line["message"].get<std::string>(), HasSubstr("could not connect"));
}

TEST_F(FlagSources, TextLogsCarryTheOffsetFromUtc) {
  RunResult r =
      RunBaton({"--log_level", "debug", "backup", "--backup_location", "file:///tmp/x.tar", "--zk",
                "zk://127.0.0.1:1/x", "--zk_timeout", "300"});
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d debug )")))
      << r.err;
}

}  // namespace
}  // namespace baton::testing
