// The subcommands of the baton executable. Each Add* registers a subcommand
// and its flags on the app, and returns it with the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "baton/backup.h"
#include "cli/output_flags.h"
#include "cli/zk_flags.h"

namespace baton::cli {

struct Command {
  CLI::App* subcommand;
  std::function<int()> run;  // returns the exit code
};

Command AddBackupCommand(CLI::App& app);
Command AddRestoreCommand(CLI::App& app);
Command AddRecoverCommand(CLI::App& app);
Command AddServeCommand(CLI::App& app);
Command AddVerifyCommand(CLI::App& app);
Command AddInspectCommand(CLI::App& app);
Command AddDiffCommand(CLI::App& app);
Command AddCopyCommand(CLI::App& app);
Command AddListCommand(CLI::App& app);
Command AddPruneCommand(CLI::App& app);
Command AddAgentCommand(CLI::App& app);

// The flags of what a backup reads and writes (backup, agent): bound to
// `options`, the ZooKeeper URL to `zk`.
void AddBackupOptionFlags(CLI::App& cmd, BackupOptions& options, ZkFlags& zk);

// " (3 ephemeral and 1 unreadable nodes left out)", or "" when none were.
std::string LeftOutText(const BackupStats& stats);

// What --help says of a command.
struct CommandHelp {
  const char* name;
  const char* description;
  const char* footer;
};

// A command that prints a result (all but serve), built one way: `add`
// binds its flags to a Flags (which has an OutputFlags `output`, added after
// them, with the progress flags if `with_progress`); `run` runs it.
template <typename Flags>
Command AddResultCommand(CLI::App& app, const CommandHelp& help, void (*add)(CLI::App&, Flags&),
                         Result (*run)(Flags&, const CLI::App&), bool with_progress = false) {
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(help.name, help.description);
  add(*cmd, *flags);
  flags->output.AddTo(*cmd, with_progress);
  cmd->footer(help.footer);
  return {cmd,
          [cmd, flags, run] { return flags->output.Run(*cmd, [&] { return run(*flags, *cmd); }); }};
}

// The flags of a command that runs an operation on ZooKeeper (backup,
// restore, recover): bound to the operation's options.
template <typename Options>
struct OperationFlags {
  Options options;
  ZkFlags zk;
  OutputFlags output;

  // The options, with the ZooKeeper URL parsed.
  Options& Parsed() {
    options.zk = zk.url();
    return options;
  }
};

}  // namespace baton::cli
