// SIGINT and SIGTERM stop a long operation cleanly: the handler only sets a
// flag, and the long loops poll it through ThrowIfInterrupted(), so the
// exception unwinds through every destructor (a partial backup file is
// removed, a ZooKeeper session closed) and main() exits 128 + signal.
//
//   InstallInterruptHandlers();   // once, in main(), before any work
//   ThrowIfInterrupted();         // in every loop that may run for long;
//                                 // throws Error(..., ErrorKind::kInterrupted)
//   { UninterruptibleScope keep;  // a rollback that must finish: while it
//     RollBack(); }               // lives, ThrowIfInterrupted() does nothing
//   SleepInterruptibly(backoff);  // a retry's wait
//   if (Interrupted()) ...        // after the scope: stop now, 128 + InterruptSignal()
//
// A blocking wait must wake every kInterruptPoll at most to call
// ThrowIfInterrupted(), so that a signal is noticed within ~100 ms.
//
// Rules for callers: never wrap a kInterrupted error into another kind
// (`catch (const Error& e) { if (e.kind() == ErrorKind::kInterrupted) throw; ...}`),
// or main() exits 1 instead of 128 + signal. After a rollback done in an
// UninterruptibleScope, throw Error("interrupted by ...; rolled back",
// ErrorKind::kInterrupted) if Interrupted(). A scope covers only the thread
// that made it (S3 part uploads, on threads of their own, stop regardless).
#pragma once

#include <chrono>

namespace baton::util {

inline constexpr std::chrono::milliseconds kInterruptPoll{100};

// Installs the SIGINT and SIGTERM handlers (without SA_RESTART). Without
// them, the signals keep their default action.
void InstallInterruptHandlers();

// Whether SIGINT or SIGTERM arrived (also inside an UninterruptibleScope).
bool Interrupted();
// The first such signal (SIGINT or SIGTERM), 0 if none arrived.
int InterruptSignal();
// "SIGINT", "SIGTERM" or "signal N".
const char* SignalName(int signal);

// Throws baton::Error of kind kInterrupted ("interrupted by SIGTERM") if a
// signal arrived and no UninterruptibleScope lives on this thread.
void ThrowIfInterrupted();

// Sleeps `duration`, waking every kInterruptPoll to ThrowIfInterrupted().
void SleepInterruptibly(std::chrono::milliseconds duration);

// While one lives on a thread, ThrowIfInterrupted() is a no-op there, so that
// a rollback is never cut short by a (second) signal. Nests.
class UninterruptibleScope {
 public:
  UninterruptibleScope();
  ~UninterruptibleScope();
  UninterruptibleScope(const UninterruptibleScope&) = delete;
  UninterruptibleScope& operator=(const UninterruptibleScope&) = delete;
};

// For tests: as if `signal` had arrived (0 clears it).
void SimulateInterrupt(int signal);

}  // namespace baton::util
