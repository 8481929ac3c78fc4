// The subcommands of the baton executable. Each Add* registers a subcommand
// and its flags on the app, and returns it with the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace baton::cli {

struct Command {
  CLI::App* subcommand;
  std::function<void()> run;
};

Command AddBackupCommand(CLI::App& app);
Command AddRestoreCommand(CLI::App& app);
Command AddRecoverCommand(CLI::App& app);
Command AddServeCommand(CLI::App& app);
Command AddVerifyCommand(CLI::App& app);
Command AddInspectCommand(CLI::App& app);
Command AddDiffCommand(CLI::App& app);

}  // namespace baton::cli
