#include "cli/config_file.h"

namespace baton::cli {
namespace {

constexpr std::string_view kSpace = " \t\r";

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

[[noreturn]] void Fail(int line, const std::string& what) {
  throw ConfigSyntaxError("line " + std::to_string(line) + ": " + what);
}

// Reads one quoted string at the start of `rest` (which starts with its
// quote) and removes it from `rest`.
std::string Quoted(std::string_view& rest, int line) {
  const char quote = rest[0];
  std::string value;
  for (size_t i = 1; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == quote) {
      rest.remove_prefix(i + 1);
      return value;
    }
    if (c == '\\' && quote == '"') {
      if (++i == rest.size()) break;
      switch (rest[i]) {
        case 'n':
          c = '\n';
          break;
        case 't':
          c = '\t';
          break;
        case '"':
        case '\\':
          c = rest[i];
          break;
        default:
          Fail(line, "unknown escape in a quoted value");
      }
    }
    value += c;
  }
  Fail(line, "a quoted value is not closed");
}

// What may follow a value: nothing, or a comment.
void End(std::string_view rest, int line) {
  rest = Trim(rest);
  if (!rest.empty() && rest[0] != '#' && rest[0] != ';') Fail(line, "text after the value");
}

// Bare text: up to a comment that follows a space.
std::string Bare(std::string_view rest) {
  for (size_t i = 1; i < rest.size(); ++i) {
    if ((rest[i] == '#' || rest[i] == ';') && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
      rest = rest.substr(0, i);
      break;
    }
  }
  return std::string(Trim(rest));
}

std::vector<std::string> Array(std::string_view rest, int line) {
  std::vector<std::string> values;
  rest.remove_prefix(1);  // '['
  while (true) {
    rest = Trim(rest);
    if (rest.empty()) Fail(line, "an array is not closed");
    if (rest[0] == ']' && values.empty()) break;
    if (rest[0] == '"' || rest[0] == '\'') {
      values.push_back(Quoted(rest, line));
    } else {
      const size_t end = rest.find_first_of(",]");
      if (end == std::string_view::npos) Fail(line, "an array is not closed");
      values.emplace_back(Trim(rest.substr(0, end)));
      rest.remove_prefix(end);
    }
    rest = Trim(rest);
    if (rest.empty()) Fail(line, "an array is not closed");
    const char separator = rest[0];
    rest.remove_prefix(1);
    if (separator == ']') break;
    if (separator != ',') Fail(line, "expected , or ] in an array");
  }
  End(rest, line);
  return values;
}

std::vector<std::string> Values(std::string_view rest, int line) {
  if (rest.empty()) return {};
  if (rest[0] == '[') return Array(rest, line);
  if (rest[0] == '"' || rest[0] == '\'') {
    std::string value = Quoted(rest, line);
    End(rest, line);
    return {value};
  }
  std::string value = Bare(rest);
  if (value.empty()) return {};
  return {value};
}

bool IsName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<ConfigSetting> ParseConfigFile(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte order mark
  std::vector<ConfigSetting> settings;
  std::string section;
  int line = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view content = Trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line;
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    if (content[0] == '[') {
      const size_t close = content.find(']');
      if (close == std::string_view::npos) Fail(line, "a [section] is not closed");
      End(content.substr(close + 1), line);
      section = std::string(Trim(content.substr(1, close - 1)));
      if (!IsName(section)) Fail(line, "a [section] needs a command's name");
      continue;
    }
    const size_t equals = content.find('=');
    if (equals == std::string_view::npos) Fail(line, "expected name = value");
    const std::string_view name = Trim(content.substr(0, equals));
    if (!IsName(name)) Fail(line, "expected a flag's name before =");
    std::vector<std::string> values = Values(Trim(content.substr(equals + 1)), line);
    if (!values.empty()) settings.push_back({section, std::string(name), std::move(values), line});
  }
  return settings;
}

}  // namespace baton::cli
