#include "cli/flag_sources.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <vector>

#include "cli/nearest_name.h"
#include "cli/process_title.h"

namespace baton::cli {

bool IsSafetyOverride(std::string_view name) {
  return std::find(std::begin(kSafetyOverrides), std::end(kSafetyOverrides), name) !=
         std::end(kSafetyOverrides);
}

std::string EnvName(std::string_view flag_name) {
  std::string name = "BATON_";
  for (char c : flag_name) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string SettingName(const CLI::Option& option) {
  if (option.get_lnames().empty()) return "";
  std::string name = option.get_lnames().front();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
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
    for (std::string long_name : option->get_lnames()) {
      std::replace(long_name.begin(), long_name.end(), '-', '_');
      if (long_name == name) return option;
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

// A config file read as TOML (or INI: [section], name = value), checked and
// placed before CLI11 applies it:
// - a top-level setting applies to the command being run when it has that
//   flag, to baton itself (log_level) when it has, and is ignored when only
//   other commands have it, so one file can serve every command;
// - a [command] section applies to that command only;
// - a setting whose environment variable is set is dropped: the
//   environment wins over the file (CLI11 would apply the file first);
// - safety overrides and unknown names are errors, with the nearest name.
// The file without INI's comment lines ("; ..."): CLI11 reads either TOML's
// '#' comments or INI's ';', not both.
std::string WithoutIniComments(std::istream& input) {
  std::string kept;
  for (std::string line; std::getline(input, line);) {
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] != ';') kept += line + "\n";
  }
  return kept;
}

// CLI11's marks of a section's start ("++") and end ("--").
bool IsSectionMark(const CLI::ConfigItem& item) { return item.name == "++" || item.name == "--"; }

class ConfigFile : public CLI::ConfigBase {
 public:
  explicit ConfigFile(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::istringstream text(WithoutIniComments(input));
    std::vector<CLI::ConfigItem> all = CLI::ConfigBase::from_config(text);
    std::vector<std::string> in_sections;  // "command.name" set in a [command] section
    for (CLI::ConfigItem& item : all) {
      if (IsSectionMark(item)) continue;
      std::replace(item.name.begin(), item.name.end(), '-', '_');
      if (!item.parents.empty()) in_sections.push_back(item.fullname());
    }
    std::vector<CLI::ConfigItem> kept;
    for (CLI::ConfigItem& item : all) {
      if (IsSectionMark(item)) {
        kept.push_back(item);
        continue;
      }
      if (IsSafetyOverride(item.name)) {
        throw CLI::ConfigError("--config: " + item.name + " overrides a safety check; type --" +
                               item.name + " on the command line");
      }
      const bool top_level = item.parents.empty();
      if (!Place(item)) continue;
      // A command's own section wins over the top of the file.
      if (top_level &&
          std::find(in_sections.begin(), in_sections.end(), item.fullname()) != in_sections.end()) {
        continue;
      }
      if (!InEnvironment(EnvName(item.name))) kept.push_back(item);
    }
    return kept;
  }

 private:
  // Sets the item's parents to the command it applies to; false if it
  // applies to none of this run's.
  bool Place(CLI::ConfigItem& item) const {
    const CLI::App* scope = &app_;
    if (!item.parents.empty()) {
      scope = Command(item.parents.front());
      if (scope == nullptr || item.parents.size() > 1) {
        throw CLI::ConfigError("--config: no command [" + item.parents.front() + "]" +
                               DidYouMean(item.parents.front(), CommandNames()));
      }
    } else if (const CLI::App* running = Running(app_);
               running != nullptr && FindSetting(*running, item.name) != nullptr) {
      item.parents = {running->get_name()};
      return true;
    }
    if (FindSetting(*scope, item.name) != nullptr) return true;
    if (scope == &app_) {
      for (const CLI::App* command : app_.get_subcommands({})) {
        if (FindSetting(*command, item.name) != nullptr) return false;  // another command's
      }
    }
    std::vector<std::string> names = SettingNames(*scope);
    if (scope == &app_) {
      for (const CLI::App* command : app_.get_subcommands({})) {
        for (std::string& name : SettingNames(*command)) names.push_back(std::move(name));
      }
    }
    throw CLI::ConfigError("--config: unknown setting " + item.fullname() +
                           DidYouMean(item.name, names));
  }

  const CLI::App* Command(const std::string& name) const {
    for (const CLI::App* command : app_.get_subcommands({})) {
      if (command->get_name() == name) return command;
    }
    return nullptr;
  }

  std::vector<std::string> CommandNames() const {
    std::vector<std::string> names;
    for (const CLI::App* command : app_.get_subcommands({})) names.push_back(command->get_name());
    return names;
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

// One line per setting of baton and of the command being run, as a config
// file would give them (so the output can become one), secrets masked.
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
      if (values.empty()) {
        std::printf("# %s%s\n", name.c_str(), option->get_required() ? " (required)" : "");
        continue;
      }
      std::string line = name + " = ";
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

void BindEnvironment(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    const std::string name = SettingName(*option);
    if (name.empty() || name == "help" || name == "version" || name == "config" ||
        name == "print_config") {
      continue;
    }
    if (IsSafetyOverride(name)) {
      if (InEnvironment(EnvName(name))) {
        std::fprintf(stderr, "baton: warning: %s is ignored: --%s must be typed\n",
                     EnvName(name).c_str(), name.c_str());
      }
      continue;
    }
    option->envname(EnvName(name));
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
  app.add_flag_callback(
      "--print_config",
      [&app] {
        PrintSettings(app);
        throw CLI::Success();
      },
      "Print the settings the command would run with (from flags, environment, --config "
      "and defaults; secrets masked) as a config file, and run nothing");
  BindEnvironment(app);
  for (CLI::App* command : app.get_subcommands({})) BindEnvironment(*command);
}

}  // namespace baton::cli
