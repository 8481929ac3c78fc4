// What GET /metrics reports, in Prometheus' text format: backups and restores
// by result, their seconds and bytes, the last success, and leadership.
//
// Thread safety: Record() from one thread at a time (the thread that runs
// the terms: a job's seconds are summed without a lock), Text() and
// `leader` from any number of HTTP workers; every field is an atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace baton::server {

class Metrics {
 public:
  struct Job {
    std::atomic<uint64_t> ok{0}, failed{0}, bytes{0};
    std::atomic<double> seconds{0}, last_success{0};
  };

  // Runs `job`, which returns the bytes it moved, and records the outcome;
  // rethrows what the job throws.
  void Record(Job& job, const std::function<uint64_t()>& run);

  std::string Text() const;

  Job backup, restore;
  std::atomic<bool> leader{false};
};

}  // namespace baton::server
