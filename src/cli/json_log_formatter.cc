#include "cli/json_log_formatter.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace baton::cli {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  using namespace std::chrono;
  auto millis = floor<milliseconds>(msg.time);
  auto midnight = floor<days>(millis);
  year_month_day date(midnight);
  hh_mm_ss clock(millis - midnight);
  char time[32];
  std::snprintf(time, sizeof time, "%04d-%02u-%02uT%02d:%02d:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
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

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace baton::cli
