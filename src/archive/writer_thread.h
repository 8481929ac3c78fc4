// A BackupWriter (archive/backup_writer.h) on a thread of its own. Add()
// hands an entry over and returns, so that a walk takes in the next replies
// while earlier entries are hashed, framed, compressed and written: on two
// cores that writing is the larger half of a backup's CPU (README,
// "Performance"). At most `max_queued_bytes` of entries wait (and one is
// being written); Add() blocks beyond that, so memory stays bounded.
//
// Errors: the first entry that cannot be written (the sink's error, a tar
// error) is rethrown by the next Add() or by Finish(); later entries are
// dropped.
//
// Thread safety: one thread calls Add() and Finish(). The sink is written by
// the writer thread only, until Finish() (which joins it and then writes the
// manifest itself) or the destructor (which drops what waits and joins).
#pragma once

#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "archive/backup_writer.h"

namespace baton::archive {

class WriterThread {
 public:
  WriterThread(BackupSink& sink, std::time_t mtime, ArchiveFormat format, Compression compression,
               size_t max_queued_bytes = kDefaultQueuedBytes);
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // As BackupWriter::Add, later.
  void Add(std::string name, std::string data, std::string acl = "", TarAttributes more = {});
  // Waits for every entry to be written, then BackupWriter::Finish.
  Manifest Finish(Manifest manifest);

  static constexpr size_t kDefaultQueuedBytes = 16u << 20;

 private:
  struct Entry {
    std::string name, data, acl;
    TarAttributes more;
  };

  void Run();
  // Ends the thread after what is queued (`drop`: without it) and joins it.
  void Stop(bool drop);

  BackupWriter writer_;
  const size_t max_queued_bytes_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Entry> queue_;   // guarded by mu_
  size_t queued_bytes_ = 0;   // of queue_; guarded by mu_
  bool closing_ = false;      // guarded by mu_
  std::exception_ptr error_;  // guarded by mu_
  std::thread thread_;        // last: started when the rest is ready
};

}  // namespace baton::archive
