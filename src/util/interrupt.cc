#include "util/interrupt.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <string>
#include <thread>

#include "baton/error.h"

namespace baton::util {
namespace {

// Lock-free, so the handler may set it (async-signal-safe).
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

thread_local int t_uninterruptible = 0;

extern "C" void OnInterrupt(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);  // the first signal is the one reported
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction action {};
  action.sa_handler = &OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool Interrupted() { return g_signal.load() != 0; }

int InterruptSignal() { return g_signal.load(); }

const char* SignalName(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  static thread_local std::string other;
  other = "signal " + std::to_string(signal);
  return other.c_str();
}

void ThrowIfInterrupted() {
  const int signal = g_signal.load();
  if (signal == 0 || t_uninterruptible > 0) return;
  throw Error(std::string("interrupted by ") + SignalName(signal), ErrorKind::kInterrupted);
}

void SleepInterruptibly(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  for (auto now = std::chrono::steady_clock::now(); now < deadline;
       now = std::chrono::steady_clock::now()) {
    ThrowIfInterrupted();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kInterruptPoll, deadline - now));
  }
}

UninterruptibleScope::UninterruptibleScope() { ++t_uninterruptible; }

UninterruptibleScope::~UninterruptibleScope() { --t_uninterruptible; }

void SimulateInterrupt(int signal) { g_signal.store(signal); }

}  // namespace baton::util
