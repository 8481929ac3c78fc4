#include "storage/file_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "baton/error.h"

namespace baton::storage {
namespace {

constexpr size_t kWriteBuffer = 1 << 20;
constexpr uint64_t kWriteBackChunk = 8 << 20;

std::string Errno() { return std::strerror(errno); }

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

class FileSink : public BackupSink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) {
    struct stat target {};
    if (::stat(path_.c_str(), &target) == 0 &&
        (S_ISCHR(target.st_mode) || S_ISFIFO(target.st_mode))) {
      // A device or pipe (/dev/null, a FIFO to ssh...) is written straight:
      // it has no directory entry to rename into place.
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) throw Error("cannot open " + path_ + " for the backup: " + Errno());
      stream_ = true;
      buffer_.reserve(kWriteBuffer);
      return;
    }
    std::string dir = DirName(path_);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      throw Error("cannot write backup file " + path_ + ": directory " + dir +
                  (errno == ENOENT ? " does not exist" : ": " + Errno()));
    }
    if (!S_ISDIR(st.st_mode)) {
      throw Error("cannot write backup file " + path_ + ": " + dir + " is not a directory");
    }
    std::random_device random;
    std::string base = path_.substr(dir.size() == 1 ? 1 : dir.size() + 1);
    temp_ =
        dir + (dir.size() == 1 ? "" : "/") + "." + base + ".partial-" + std::to_string(random());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error("cannot create backup file in " + dir + ": " + Errno());
    buffer_.reserve(kWriteBuffer);
  }

  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !stream_) ::unlink(temp_.c_str());
  }

  void Write(const void* data, size_t size) override {
    const char* bytes = static_cast<const char*>(data);
    if (buffer_.size() + size > kWriteBuffer) Flush();
    if (size >= kWriteBuffer) {
      WriteAll(bytes, size);
    } else {
      buffer_.insert(buffer_.end(), bytes, bytes + size);
    }
  }

  bool discardable() const override { return !stream_; }

  void Commit() override {
    Flush();
    if (stream_) {
      int fd = std::exchange(fd_, -1);
      if (::close(fd) != 0) throw Error("cannot close " + path_ + ": " + Errno());
      committed_ = true;
      return;
    }
    if (::fsync(fd_) != 0) throw Error("cannot sync backup file " + temp_ + ": " + Errno());
    if (::close(fd_) != 0) {
      fd_ = -1;
      throw Error("cannot close backup file " + temp_ + ": " + Errno());
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw Error("cannot rename backup file to " + path_ + ": " + Errno());
    }
    committed_ = true;
    // The rename is durable only once the directory is synced.
    int dir = ::open(DirName(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

 private:
  void Flush() {
    WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    // Start writing back what is written as it goes, so that the fsync at
    // Commit() waits for the last few megabytes, not for the whole file.
    if (!stream_ && written_ - started_ >= kWriteBackChunk) {
      ::sync_file_range(fd_, static_cast<off_t>(started_), static_cast<off_t>(written_ - started_),
                        SYNC_FILE_RANGE_WRITE);
      started_ = written_;
    }
  }

  void WriteAll(const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error("cannot write backup file " + path_ + ": " + Errno());
      data += n;
      size -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
  }

  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
  bool stream_ = false;   // a device or pipe, written without a temporary name
  uint64_t written_ = 0;  // bytes written so far
  uint64_t started_ = 0;  // bytes whose write-back has been started
  std::vector<char> buffer_;
};

class FileSource : public BackupSource {
 public:
  explicit FileSource(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error("cannot open backup file " + path + ": " + Errno());
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw Error("backup file " + path + " is not a regular file");
    }
  }
  ~FileSource() override { ::close(fd_); }

  size_t Read(void* buffer, size_t size) override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) throw Error("cannot read backup file " + path_ + ": " + Errno());
    }
  }

  // The descriptor stays open, so a backup replaced by rename meanwhile is
  // not seen: the second pass reads the same file as the first.
  bool Rewind() override { return ::lseek(fd_, 0, SEEK_SET) == 0; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

FileStorage::FileStorage(std::string path) : path_(std::move(path)) {}

std::unique_ptr<BackupSink> FileStorage::Create() { return std::make_unique<FileSink>(path_); }

std::unique_ptr<BackupSource> FileStorage::Open() { return std::make_unique<FileSource>(path_); }

}  // namespace baton::storage
