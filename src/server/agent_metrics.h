// What the backup agent reports on GET /metrics and what a command writes
// with --metrics_file: Prometheus' text format, the same names for both.
//
// Thread safety: every field is an atomic; the agent's thread writes, HTTP
// workers read Text().
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace baton::server {

struct AgentMetrics {
  std::atomic<double> last_success{0};   // Unix seconds of the last successful backup
  std::atomic<double> last_duration{0};  // seconds the last backup (of any result) took
  std::atomic<uint64_t> last_bytes{0}, last_entries{0};  // of the last successful one
  std::atomic<uint64_t> success{0}, failure{0}, skipped{0};
  std::atomic<double> next_run{0};  // Unix seconds; 0 while not leading
  std::atomic<uint64_t> kept{0};    // backups the last retention kept
  std::atomic<bool> leader{false};

  std::string Text() const;
};

// Writes `text` to `path` atomically (a temporary file beside it, renamed),
// as node_exporter's textfile collector wants it. Throws baton::Error.
void WriteTextfile(const std::string& path, const std::string& text);

}  // namespace baton::server
