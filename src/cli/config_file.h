// The text of a --config file: the simple form TOML and INI share.
//   # or ; starts a comment line; [command] starts a command's section;
//   name = value, where value is "a quoted string" (\" \\ \n \t escapes),
//   'a literal string', [an, "array", of values], or bare text to the end
//   of the line (spaces and commas kept; " #" or " ;" starts a comment).
// An empty value is no value (as an empty BATON_* variable is). Errors name
// the line, never its text: a value may be a secret.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace baton::cli {

struct ConfigSetting {
  std::string section;  // "" above the first [section]
  std::string name;
  std::vector<std::string> values;
  int line = 0;
};

struct ConfigSyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ConfigSyntaxError.
std::vector<ConfigSetting> ParseConfigFile(std::string_view text);

}  // namespace baton::cli
