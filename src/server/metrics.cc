#include "server/metrics.h"

#include <chrono>
#include <ctime>
#include <utility>

namespace baton::server {

void Metrics::Record(Job& job, const std::function<uint64_t()>& run) {
  auto start = std::chrono::steady_clock::now();
  try {
    job.bytes += run();
    job.ok++;
    job.last_success = static_cast<double>(std::time(nullptr));
  } catch (...) {
    job.failed++;
    throw;
  }
  job.seconds =
      job.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Metrics::Text() const {
  std::string out;
  for (auto [name, job] : {std::pair{"backup", &backup}, std::pair{"restore", &restore}}) {
    const std::string n = std::string("baton_") + name;
    out += "# TYPE " + n + "s_total counter\n";
    out += n + "s_total{result=\"success\"} " + std::to_string(job->ok) + "\n";
    out += n + "s_total{result=\"failure\"} " + std::to_string(job->failed) + "\n";
    out += "# TYPE " + n + "_seconds_total counter\n";
    out += n + "_seconds_total " + std::to_string(job->seconds.load()) + "\n";
    out += "# TYPE " + n + "_bytes_total counter\n";
    out += n + "_bytes_total " + std::to_string(job->bytes) + "\n";
    out += "# TYPE " + n + "_last_success_timestamp_seconds gauge\n";
    out += n + "_last_success_timestamp_seconds " + std::to_string(job->last_success.load()) + "\n";
  }
  out += "# TYPE baton_leader gauge\nbaton_leader " + std::string(leader ? "1" : "0") + "\n";
  return out;
}

}  // namespace baton::server
