// baton: backup & restore of Marathon-style state kept in ZooKeeper.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "baton/error.h"
#include "baton/version.h"
#include "cli/commands.h"
#include "cli/json_log_formatter.h"
#include "cli/output_flags.h"
#include "cli/process_title.h"
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

// Runs the parsed command; returns the exit code.
int Run(const std::vector<baton::cli::Command>& commands) {
  try {
    for (const auto& command : commands) {
      if (command.subcommand->parsed()) command.run();
    }
    return baton::kExitOk;
  } catch (const baton::Error& e) {
    if (e.kind() == baton::ErrorKind::kInterrupted) {
      std::fprintf(stderr, "baton: %s\n", e.what());  // "interrupted by SIGTERM..."
      return baton::ExitCode(e.kind(), baton::util::InterruptSignal());
    }
    std::fprintf(stderr, "baton: error: %s\n", e.what());
    return baton::ExitCode(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "baton: internal error: %s\n", e.what());
  }
  return baton::kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("baton: backup & restore for service state kept in ZooKeeper", "baton");
  app.set_version_flag("--version", std::string("baton ") + baton::kVersion);
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? baton::kExitOk : baton::kExitUsage;
  }
  baton::cli::HideSecretsInProcessTitle(argc, argv);
  // Past a file size limit, writes fail with EFBIG and the backup reports
  // it and removes its partial file, instead of being killed mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  // SIGINT/SIGTERM stop the work cleanly (partial files removed, exit 128 +
  // signal); serve takes them itself with sigwait to leave the election.
  if (!app.get_subcommand("serve")->parsed()) baton::util::InstallInterruptHandlers();
  StartLogging(log);
  return Run(commands);
}
