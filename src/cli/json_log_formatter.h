// --log_format json: one JSON object per line ({"time", "level", "message"}),
// for log collectors. Messages are escaped by the JSON library, so nothing
// in them can break a line. What is logged never holds secrets in the first
// place: locations and ZooKeeper URLs are logged redacted.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace baton::cli {

// The line of a command's final error with --log_format json: as a log
// line at level "error", with the exit code.
std::string JsonErrorLine(const std::string& message, int exit_code);

class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace baton::cli
