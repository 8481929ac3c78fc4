// baton: backup & restore of Marathon-style state kept in ZooKeeper.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "baton/error.h"
#include "cli/commands.h"
#include "cli/flag_sources.h"
#include "cli/json_log_formatter.h"
#include "cli/nearest_name.h"
#include "cli/output_flags.h"
#include "cli/process_title.h"
#include "cli/version_text.h"
#include "util/interrupt.h"

namespace {

struct LogFlags {
  std::string level = "info";
  std::string format = "text";
};

// Global options (--log_level, --log_format) may also follow the subcommand.
void AddLogFlags(CLI::App& app, LogFlags& flags) {
  app.fallthrough();
  app.add_option("--log_level", flags.level, "Log level: debug, info, warn, error, off")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--log_format", flags.format,
                 "Log format on stderr: text, or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

// Logs go to stderr so that stdout carries only results.
void StartLogging(const LogFlags& flags) {
  auto logger = spdlog::stderr_color_mt("baton");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(flags.level));
  if (flags.format == "json") {
    spdlog::set_formatter(std::make_unique<baton::cli::JsonLogFormatter>());
  } else {
    spdlog::set_pattern(baton::cli::kTextLogPattern);
  }
}

constexpr char kHelpFooter[] =
    "Flags: --name or --name-with-dashes alike. Every flag may also come from the\n"
    "environment as BATON_<NAME> (BATON_ZK, BATON_BACKUP_LOCATION, ...) or from a --config\n"
    "file (name = value, or a [command] section); a flag typed wins over the environment,\n"
    "which wins over the file, which wins over the default. Flags that override a safety\n"
    "check (--force, --no_safety_backup, --allow_empty, ...) must be typed.\n"
    "Exit codes: 0 done, 1 failed, 2 usage, 3 refused, 4 differs (diff --exit_code),\n"
    "128+N stopped by signal N.";

// The command's final error, on stderr: "baton: error: ..." or, with
// --log_format json, one JSON line.
int Fail(const LogFlags& log, const std::string& prefix, const std::string& message, int code) {
  if (log.format == "json") {
    std::fprintf(stderr, "%s\n", baton::cli::JsonErrorLine(message, code).c_str());
  } else {
    std::fprintf(stderr, "baton: %s%s\n", prefix.c_str(), message.c_str());
  }
  return code;
}

// Runs the parsed command; returns the exit code.
int Run(const std::vector<baton::cli::Command>& commands, const LogFlags& log) {
  try {
    for (const auto& command : commands) {
      if (command.subcommand->parsed()) return command.run();
    }
    return baton::kExitOk;
  } catch (const baton::Error& e) {
    if (e.kind() == baton::ErrorKind::kInterrupted) {  // "interrupted by SIGTERM..."
      return Fail(log, "", e.what(), baton::ExitCode(e.kind(), baton::util::InterruptSignal()));
    }
    return Fail(log, "error: ", e.what(), baton::ExitCode(e.kind()));
  } catch (const std::exception& e) {
    return Fail(log, "internal error: ", e.what(), baton::kExitFailed);
  }
}

// "--name" of every flag of `app` and of baton itself.
std::vector<std::string> FlagNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* scope : {&app, app.get_parent()}) {
    if (scope == nullptr) continue;
    for (const CLI::Option* option : scope->get_options()) {
      for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

// What was wrong with the command line, naming the nearest valid command or
// flag for a mistyped one.
std::string UsageMessage(const CLI::App& app, const CLI::ParseError& e) {
  const auto parsed = app.get_subcommands();
  const CLI::App& scope = parsed.empty() ? app : *parsed.front();
  // Unknown flags fall through from the command to baton itself: all of
  // what is left, wherever it was left.
  for (const std::string& arg : app.remaining(true)) {
    if (arg.starts_with("-")) {
      const std::string name = arg.substr(0, arg.find('='));
      return "unknown flag " + name + baton::cli::DidYouMean(name, FlagNames(scope));
    }
    if (parsed.empty()) {
      return "unknown command '" + arg + "'" +
             baton::cli::DidYouMean(arg, baton::cli::CommandNames(app));
    }
  }
  return e.what();
}

// A parse error's exit: 0 after --help, --version and --print_config
// (printed by CLI11), else 2 with what was wrong.
int ParseExit(CLI::App& app, const CLI::ParseError& e, const LogFlags& log) {
  if (e.get_exit_code() == 0) {
    app.exit(e);
    return baton::kExitOk;
  }
  const auto parsed = app.get_subcommands();
  const std::string help =
      parsed.empty() ? "baton --help" : "baton " + parsed.front()->get_name() + " --help";
  return Fail(log, "", UsageMessage(app, e) + " (see " + help + ")", baton::kExitUsage);
}

}  // namespace

int main(int argc, char** argv) {
  baton::cli::UnderscoreFlagNames(argc, argv);
  CLI::App app("baton: backup & restore for service state kept in ZooKeeper", "baton");
  app.set_version_flag("--version", baton::cli::VersionText(),
                       "Print the version, git commit and libraries, and exit");
  app.footer(kHelpFooter);
  app.require_subcommand(1);
  LogFlags log;
  AddLogFlags(app, log);
  const std::vector<baton::cli::Command> commands = {
      baton::cli::AddBackupCommand(app),  baton::cli::AddRestoreCommand(app),
      baton::cli::AddRecoverCommand(app), baton::cli::AddServeCommand(app),
      baton::cli::AddVerifyCommand(app),  baton::cli::AddInspectCommand(app),
      baton::cli::AddDiffCommand(app),    baton::cli::AddCopyCommand(app),
      baton::cli::AddListCommand(app),    baton::cli::AddPruneCommand(app),
      baton::cli::AddAgentCommand(app),
  };
  baton::cli::AddFlagSources(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ParseExit(app, e, log);
  }
  baton::cli::HideSecretsInProcessTitle(argc, argv);
  if (baton::cli::PrintConfigAsked(app)) {
    baton::cli::PrintSettings(app);
    return baton::kExitOk;
  }
  // Past a file size limit, writes fail with EFBIG and the backup reports
  // it and removes its partial file, instead of being killed mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  // SIGINT/SIGTERM stop the work cleanly (partial files removed, exit 128 +
  // signal); serve takes them itself with sigwait to leave the election.
  if (!app.get_subcommand("serve")->parsed()) baton::util::InstallInterruptHandlers();
  StartLogging(log);
  baton::cli::WarnOfIgnoredVariables(app);
  return Run(commands, log);
}
