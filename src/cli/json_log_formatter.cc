#include "cli/json_log_formatter.h"

#include <nlohmann/json.hpp>

#include "util/time_text.h"

namespace baton::cli {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string time = util::UtcText(msg.time);
  spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  nlohmann::json line = {
      {"time", time},
      {"level", std::string(level.data(), level.size())},
      {"message", std::string(msg.payload.data(), msg.payload.size())},
      {"thread", msg.thread_id},
  };
  // Invalid UTF-8 (a raw node name, say) is replaced, not thrown on.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  dest.append(text.data(), text.data() + text.size());
}

std::string JsonErrorLine(const std::string& message, int exit_code) {
  nlohmann::json line = {{"time", util::UtcText(std::chrono::system_clock::now())},
                         {"level", "error"},
                         {"message", message},
                         {"exit_code", exit_code}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace baton::cli
