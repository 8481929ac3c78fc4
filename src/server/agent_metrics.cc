#include "server/agent_metrics.h"

#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "baton/error.h"

namespace baton::server {
namespace {

void Gauge(std::string& text, const char* name, const char* help, double value) {
  text += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
}

}  // namespace

std::string AgentMetrics::Text() const {
  std::string text;
  Gauge(text, "baton_agent_last_success_timestamp_seconds",
        "When the last successful backup started (Unix time; 0: none yet)", last_success);
  Gauge(text, "baton_agent_last_duration_seconds", "How long the last backup took", last_duration);
  Gauge(text, "baton_agent_last_bytes", "Node data bytes of the last successful backup",
        static_cast<double>(last_bytes));
  Gauge(text, "baton_agent_last_entries", "Entries of the last successful backup",
        static_cast<double>(last_entries));
  text +=
      "# HELP baton_agent_backups_total Scheduled backups by result\n"
      "# TYPE baton_agent_backups_total counter\n";
  text += fmt::format("baton_agent_backups_total{{result=\"success\"}} {}\n", success.load());
  text += fmt::format("baton_agent_backups_total{{result=\"failure\"}} {}\n", failure.load());
  text += fmt::format("baton_agent_backups_total{{result=\"skipped\"}} {}\n", skipped.load());
  Gauge(text, "baton_agent_next_run_timestamp_seconds",
        "When the next backup is due (Unix time; 0: not leading)", next_run);
  Gauge(text, "baton_agent_backups_kept", "Backups the last retention run kept",
        static_cast<double>(kept));
  Gauge(text, "baton_agent_leader", "1 while this agent leads and takes the backups",
        leader ? 1 : 0);
  return text;
}

void WriteTextfile(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + temp + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int err = errno;
  ::close(fd);
  if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw Error("cannot write " + path + ": " + std::strerror(written ? errno : err));
  }
}

}  // namespace baton::server
