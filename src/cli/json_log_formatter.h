// --log_format json: one JSON object per line ({"time", "level", "message"}),
// for log collectors. Messages are escaped by the JSON library, so nothing
// in them can break a line. What is logged never holds secrets in the first
// place: locations and ZooKeeper URLs are logged redacted.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace baton::cli {

class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace baton::cli
