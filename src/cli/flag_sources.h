// Where a flag's value comes from, besides the command line: the
// environment (BATON_<FLAG>) and a config file (--config, TOML or INI).
// Precedence: flag > environment > file > default. Flags that override a
// safety check (kSafetyOverrides) come from the command line only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace baton::cli {

// The flags that override a safety check: never read from the environment
// or a config file, so that a setting left behind cannot force a restore.
inline constexpr std::string_view kSafetyOverrides[] = {
    "force",         "no_safety_backup", "allow_empty",     "allow_no_storage_version",
    "to_other_path", "insecure_http",    "skip_unreadable",
};
bool IsSafetyOverride(std::string_view name);

// The environment variable of a flag: "backup_location" -> BATON_BACKUP_LOCATION.
std::string EnvName(std::string_view flag_name);

// `name` with every '-' as '_' (flags are named with underscores).
std::string Underscored(std::string name);

// A flag's name as a config file or the environment knows it: its first
// long name without the dashes, with '-' read as '_'.
std::string SettingName(const CLI::Option& option);

// The names of `app`'s commands.
std::vector<std::string> CommandNames(const CLI::App& app);

// Adds --config (default: $BATON_CONFIG) and --print_config to `app`, and
// binds every flag of its subcommands that is not a safety override to its
// environment variable. Call after every subcommand is added.
void AddFlagSources(CLI::App& app);

// After a parse: whether --print_config was given; then prints the settings
// of baton and of the command being run, one line each, as a config file
// would give them, secrets masked.
bool PrintConfigAsked(const CLI::App& app);
void PrintSettings(const CLI::App& app);

// Logs a warning for each BATON_* variable of a safety override of the
// command being run: it is set, and ignored.
void WarnOfIgnoredVariables(const CLI::App& app);

}  // namespace baton::cli
