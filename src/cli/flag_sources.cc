#include "cli/flag_sources.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <vector>

#include "cli/config_file.h"
#include "cli/nearest_name.h"
#include "cli/process_title.h"

namespace baton::cli {

bool IsSafetyOverride(std::string_view name) {
  return std::find(std::begin(kSafetyOverrides), std::end(kSafetyOverrides), name) !=
         std::end(kSafetyOverrides);
}

std::string Underscored(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string EnvName(std::string_view flag_name) {
  std::string name = "BATON_";
  for (char c : Underscored(std::string(flag_name))) {
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string SettingName(const CLI::Option& option) {
  return option.get_lnames().empty() ? "" : Underscored(option.get_lnames().front());
}

std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  return names;
}

namespace {

bool InEnvironment(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  return value != nullptr && *value != '\0';
}

// The flags of `app` that have a setting name (not --help, not positionals).
std::vector<const CLI::Option*> Settings(const CLI::App& app) {
  std::vector<const CLI::Option*> settings;
  for (const CLI::Option* option : app.get_options()) {
    const std::string name = SettingName(*option);
    if (!name.empty() && name != "help" && name != "print_config") settings.push_back(option);
  }
  return settings;
}

const CLI::Option* FindSetting(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* option : Settings(app)) {
    for (const std::string& long_name : option->get_lnames()) {
      if (Underscored(long_name) == name) return option;
    }
  }
  return nullptr;
}

// The subcommand being run, or null before one is parsed.
const CLI::App* Running(const CLI::App& app) {
  auto parsed = app.get_subcommands();
  return parsed.empty() ? nullptr : parsed.front();
}

std::vector<std::string> SettingNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : Settings(app)) names.push_back(SettingName(*option));
  return names;
}

// A --config file (config_file.h), checked and placed before CLI11 applies
// it:
// - a top-level setting applies to the command being run when it has that
//   flag, to baton itself (log_level) when it has, and is ignored when only
//   other commands have it, so one file can serve every command;
// - a [command] section applies to that command only, and wins over the top;
// - a setting whose flag's environment variable is set is dropped: the
//   environment wins over the file (CLI11 would apply the file first);
// - safety overrides and unknown names are errors, with the nearest name.
// CLI11 calls from_config during parse, after the command line is read
// (Running() is known); one parse at a time, as CLI11 itself.
class ConfigFile : public CLI::ConfigBase {
 public:
  explicit ConfigFile(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<ConfigSetting> settings;
    try {
      settings = ParseConfigFile(std::string(std::istreambuf_iterator<char>(input), {}));
    } catch (const ConfigSyntaxError& e) {
      throw CLI::ConfigError(std::string("--config: ") + e.what());
    }
    std::vector<std::string> in_sections;  // "command.name" set in a [command] section
    for (ConfigSetting& setting : settings) {
      setting.name = Underscored(std::move(setting.name));
      if (!setting.section.empty()) in_sections.push_back(setting.section + "." + setting.name);
    }
    std::vector<CLI::ConfigItem> placed;
    for (const ConfigSetting& setting : settings) {
      RefuseSafetyOverride(setting, setting.name);  // whichever command has it
      const CLI::App* scope = Scope(setting);
      if (scope == nullptr) continue;  // another command's setting
      const CLI::Option& option = *FindSetting(*scope, setting.name);
      const std::string name = SettingName(option);
      RefuseSafetyOverride(setting, name);  // by another of its names
      const std::string scoped = scope->get_name() + "." + setting.name;
      if (setting.section.empty() && scope != &app_ &&
          std::find(in_sections.begin(), in_sections.end(), scoped) != in_sections.end()) {
        continue;
      }
      if (InEnvironment(EnvName(name))) continue;
      CLI::ConfigItem item;
      if (scope != &app_) item.parents = {scope->get_name()};
      item.name = setting.name;
      item.inputs = setting.values;
      placed.push_back(std::move(item));
    }
    return placed;
  }

 private:
  static std::string Where(const ConfigSetting& setting) {
    return "--config: line " + std::to_string(setting.line) + ": ";
  }

  static void RefuseSafetyOverride(const ConfigSetting& setting, const std::string& name) {
    if (IsSafetyOverride(name)) {
      throw CLI::ConfigError(Where(setting) + name + " overrides a safety check; type --" + name +
                             " on the command line");
    }
  }

  // The app whose flag `setting` sets; null if only commands not being run
  // have it. Throws for a name no command has.
  const CLI::App* Scope(const ConfigSetting& setting) const {
    if (!setting.section.empty()) {
      const CLI::App* command = Command(setting.section);
      if (command == nullptr) {
        throw CLI::ConfigError(Where(setting) + "no command [" + setting.section + "]" +
                               DidYouMean(setting.section, CommandNames(app_)));
      }
      if (FindSetting(*command, setting.name) != nullptr) return command;
      if (FindSetting(app_, setting.name) != nullptr) return &app_;
      throw CLI::ConfigError(Where(setting) + "unknown setting " + setting.name + " of " +
                             setting.section + DidYouMean(setting.name, SettingNames(*command)));
    }
    const CLI::App* running = Running(app_);
    if (running != nullptr && FindSetting(*running, setting.name) != nullptr) return running;
    if (FindSetting(app_, setting.name) != nullptr) return &app_;
    std::vector<std::string> names = SettingNames(app_);
    for (const CLI::App* command : app_.get_subcommands({})) {
      if (FindSetting(*command, setting.name) != nullptr) return nullptr;
      for (std::string& name : SettingNames(*command)) names.push_back(std::move(name));
    }
    throw CLI::ConfigError(Where(setting) + "unknown setting " + setting.name +
                           DidYouMean(setting.name, names));
  }

  const CLI::App* Command(const std::string& name) const {
    for (const CLI::App* command : app_.get_subcommands({})) {
      if (command->get_name() == name) return command;
    }
    return nullptr;
  }

  const CLI::App& app_;
};

// TOML's basic string: quotes and backslashes escaped.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

void PrintSettings(const CLI::App& app) {
  std::vector<const CLI::App*> scopes = {&app};
  if (const CLI::App* running = Running(app)) scopes.push_back(running);
  for (const CLI::App* scope : scopes) {
    if (scope != &app) std::printf("\n[%s]\n", scope->get_name().c_str());
    for (const CLI::Option* option : Settings(*scope)) {
      const std::string name = SettingName(*option);
      if (name == "config" || name == "version") continue;
      std::vector<std::string> values = option->results();
      if (values.empty() && !option->get_default_str().empty()) {
        values = {option->get_default_str()};
      }
      if (values.empty()) {  // unset (a required flag is set: the parse checked)
        std::printf("# %s\n", name.c_str());
        continue;
      }
      // A file may not set it: shown, as a comment.
      std::string line = (IsSafetyOverride(name) ? "# typed only: " : "") + name + " = ";
      if (values.size() > 1) line += "[";
      for (size_t i = 0; i < values.size(); ++i) {
        line += (i > 0 ? ", " : "") + Quoted(HideSecrets(name, values[i]));
      }
      if (values.size() > 1) line += "]";
      std::printf("%s\n", line.c_str());
    }
  }
  std::fflush(stdout);
}

bool PrintConfigAsked(const CLI::App& app) { return app.get_option("--print_config")->count() > 0; }

void WarnOfIgnoredVariables(const CLI::App& app) {
  const CLI::App* running = Running(app);
  if (running == nullptr) return;
  for (const CLI::Option* option : Settings(*running)) {
    const std::string name = SettingName(*option);
    if (IsSafetyOverride(name) && InEnvironment(EnvName(name))) {
      spdlog::warn("{} is ignored: --{} must be typed", EnvName(name), name);
    }
  }
}

namespace {

void BindEnvironment(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    const std::string name = SettingName(*option);
    if (name.empty() || name == "help" || name == "version" || name == "config" ||
        name == "print_config") {
      continue;
    }
    if (!IsSafetyOverride(name)) option->envname(EnvName(name));
  }
}

}  // namespace

void AddFlagSources(CLI::App& app) {
  const char* config = std::getenv("BATON_CONFIG");
  // A file named by BATON_CONFIG must exist, as one named by --config must.
  app.set_config("--config", config != nullptr ? config : "",
                 "Read flags from this file (TOML or INI: name = value; a [command] section "
                 "for one command's); env BATON_CONFIG",
                 config != nullptr && *config != '\0');
  app.config_formatter(std::make_shared<ConfigFile>(app));
  app.add_flag("--print_config")
      ->description(
          "Check the command line and print the settings the command would run with "
          "(from flags, environment, --config and defaults) as a config file, and run "
          "nothing; secrets are masked, so a file made of it must get them back by hand");
  BindEnvironment(app);
  for (CLI::App* command : app.get_subcommands({})) BindEnvironment(*command);
}

}  // namespace baton::cli
