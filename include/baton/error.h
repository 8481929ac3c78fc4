// Baton reports failures as exceptions of one type: every public call either
// completes fully or throws baton::Error with a one-line, operator-readable
// message and a kind. Messages never contain credentials. The kind decides
// the exit code (ExitCode below; README "Exit codes").
#pragma once

#include <stdexcept>
#include <string>

namespace baton {

enum class ErrorKind {
  kFailed,  // the operation failed (exit 1)
  // A flag, URL, location or argument is wrong (exit 2). Thrown only before
  // anything is changed: exit 2 says that nothing was done.
  kInvalidInput,
  kCorruptBackup,  // the backup cannot be read or would be refused (exit 1)
  // ZooKeeper or the storage did not answer, after any retries (exit 1).
  kUnavailable,
  // Another owner holds the path (Baton's lock, a running restore) or a
  // leader lives; nothing was touched (exit 3).
  kRefused,
  kInterrupted,  // SIGINT or SIGTERM stopped it (exit 128 + signal)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::kFailed)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Exit codes of the baton executable, one table for every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRefused = 3;
// baton diff --exit_code: the state differs from the backup.
inline constexpr int kExitDiffers = 4;

// The exit code for an error of `kind`; `signal` is the signal that
// interrupted the command (kInterrupted only).
inline int ExitCode(ErrorKind kind, int signal = 2) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return kExitUsage;
    case ErrorKind::kRefused:
      return kExitRefused;
    case ErrorKind::kInterrupted:
      return 128 + signal;
    default:
      return kExitFailed;
  }
}

}  // namespace baton
