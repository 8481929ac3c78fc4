#include "archive/writer_thread.h"

#include <utility>

namespace baton::archive {

WriterThread::WriterThread(BackupSink& sink, std::time_t mtime, ArchiveFormat format,
                           Compression compression, size_t max_queued_bytes)
    : writer_(sink, mtime, format, compression),
      max_queued_bytes_(max_queued_bytes),
      thread_([this] { Run(); }) {}

WriterThread::~WriterThread() { Stop(/*drop=*/true); }

void WriterThread::Add(std::string name, std::string data, std::string acl, TarAttributes more) {
  const size_t bytes = name.size() + data.size() + acl.size();
  std::unique_lock lock(mu_);
  // One entry larger than the bound still goes, alone.
  changed_.wait(
      lock, [&] { return error_ || queue_.empty() || queued_bytes_ + bytes <= max_queued_bytes_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(Entry{std::move(name), std::move(data), std::move(acl), std::move(more)});
  queued_bytes_ += bytes;
  changed_.notify_all();
}

Manifest WriterThread::Finish(Manifest manifest) {
  Stop(/*drop=*/false);
  {
    std::lock_guard lock(mu_);
    if (error_) std::rethrow_exception(error_);
  }
  return writer_.Finish(std::move(manifest));
}

void WriterThread::Stop(bool drop) {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    if (drop) {
      queue_.clear();
      queued_bytes_ = 0;
    }
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void WriterThread::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, nothing left
    Entry entry = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= entry.name.size() + entry.data.size() + entry.acl.size();
    changed_.notify_all();
    lock.unlock();
    std::exception_ptr failed;
    try {
      writer_.Add(entry.name, entry.data, entry.acl, entry.more);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    if (failed) {
      error_ = failed;
      queue_.clear();
      queued_bytes_ = 0;
      changed_.notify_all();
      return;
    }
  }
}

}  // namespace baton::archive
