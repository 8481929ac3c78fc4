#include "storage/file_storage.h"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "baton/error.h"
#include "util/printable.h"

namespace baton::storage {
namespace {

constexpr size_t kWriteBuffer = 1 << 20;
constexpr uint64_t kWriteBackChunk = 8 << 20;

std::string Errno() { return std::strerror(errno); }

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

constexpr std::string_view kPartialMark = ".partial-";

// Baton's own temporary names: ".NAME.partial-N", N decimal.
bool IsPartialName(std::string_view name) {
  size_t mark = name.rfind(kPartialMark);
  if (name.size() < 2 || name[0] != '.' || mark == std::string_view::npos || mark < 2) return false;
  std::string_view number = name.substr(mark + kPartialMark.size());
  return !number.empty() && number.find_first_not_of("0123456789") == std::string_view::npos;
}

// Removes `name` in `dir` if it is our own regular file that nobody holds a
// lock on: a running Baton holds one on its partial file while it writes.
bool SweepOne(int dir, const char* name) {
  int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool removed = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
                 ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlinkat(dir, name, 0) == 0;
  ::close(fd);  // drops the lock
  return removed;
}

// Sweeps the partial files of killed backups (SIGKILL, a crash) from `dir`.
void SweepPartials(const std::string& dir) {
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return;
  int removed = 0;
  while (const dirent* entry = ::readdir(listing)) {
    if (IsPartialName(entry->d_name) && SweepOne(::dirfd(listing), entry->d_name)) ++removed;
  }
  ::closedir(listing);
  if (removed > 0) {
    spdlog::info("removed {} partial file(s) of interrupted backups from {}", removed,
                 util::Printable(dir));
  }
}

// Whether `fd` is still the file named `path` (a sweep may have removed it
// between its creation and our lock).
bool StillNamed(int fd, const std::string& path) {
  struct stat by_fd {
  }, by_name{};
  return ::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_name) == 0 &&
         by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino;
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
    SweepPartials(dir);
    CreatePartial(dir);
    buffer_.reserve(kWriteBuffer);
  }

  ~FileSink() override {
    if (!committed_ && !stream_) ::unlink(temp_.c_str());  // still locked: ours to remove
    if (fd_ >= 0) ::close(fd_);
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
    // Renamed while still open, so locked: a sweep never takes it meanwhile.
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw Error("cannot rename backup file to " + path_ + ": " + Errno());
    }
    committed_ = true;
    ::close(std::exchange(fd_, -1));  // synced: nothing is left to fail
    // The rename is durable only once the directory is synced.
    int dir = ::open(DirName(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

 private:
  // Creates the partial file, owner-only (it holds the whole state), and
  // locks it for as long as it lives, so that no sweep removes it.
  void CreatePartial(const std::string& dir) {
    std::random_device random;
    std::string base = path_.substr(dir.size() == 1 ? 1 : dir.size() + 1);
    for (int attempt = 0; attempt < 5; ++attempt) {
      temp_ = dir + (dir.size() == 1 ? "" : "/") + "." + base + std::string(kPartialMark) +
              std::to_string(random());
      fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd_ < 0 && errno == EEXIST) continue;
      if (fd_ < 0) throw Error("cannot create backup file in " + dir + ": " + Errno());
      if (::flock(fd_, LOCK_EX | LOCK_NB) == 0 && StillNamed(fd_, temp_)) return;
      ::close(fd_);  // a concurrent sweep took it: it removes it, we take another
      fd_ = -1;
    }
    throw Error("cannot create backup file in " + dir + ": no free temporary name");
  }

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

namespace {

// mkdir -p with mode 0700 for every directory created.
void MakeOwnerOnlyDirectories(const std::string& dir) {
  std::string parent = DirName(dir);
  struct stat st {};
  if (parent != dir && !parent.empty() && ::lstat(parent.c_str(), &st) != 0 && errno == ENOENT) {
    MakeOwnerOnlyDirectories(parent);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw Error("cannot create the safety backup directory " + util::Printable(dir) + ": " +
                Errno());
  }
}

// Whether `st` (of `path`, above the safety directory) is one nobody else
// could swap: owned by root or this user, and not writable by others unless
// sticky (as /tmp is). Throws otherwise.
void CheckNobodyElseCanSwap(const struct stat& st, const std::string& path,
                            const std::string& shown) {
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    throw Error("refusing " + shown + ": " + util::Printable(path) + " above it is owned by uid " +
                std::to_string(st.st_uid));
  }
  if (!S_ISLNK(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
      (st.st_mode & S_ISVTX) == 0) {
    throw Error("refusing " + shown + ": " + util::Printable(path) +
                " above it is writable by others and not sticky");
  }
}

// Checks every directory above `dir` that exists: whoever could swap one of
// them could swap `dir` too. Each prefix of the path as given is checked, so
// that a link before a ".." is seen as well. A symbolic link on the way
// (/var/lib moved to a data disk) is followed: nobody else may have made it,
// and where it points is checked the same way.
void CheckAbove(const std::string& dir, const std::string& shown) {
  const std::string path =
      dir.starts_with('/') ? dir : std::filesystem::current_path().string() + "/" + dir;
  for (size_t end = path.find('/', 1); end != std::string::npos; end = path.find('/', end + 1)) {
    const std::string above = path.substr(0, end);
    struct stat st {};
    if (::lstat(above.c_str(), &st) != 0) {
      if (errno == ENOENT) return;  // created below, owner-only
      throw Error("cannot use " + shown + ": " + util::Printable(above) + ": " + Errno());
    }
    CheckNobodyElseCanSwap(st, above, shown);
    if (S_ISLNK(st.st_mode)) {
      std::error_code error;
      const std::filesystem::path target = std::filesystem::canonical(above, error);
      if (error)
        throw Error("cannot use " + shown + ": " + util::Printable(above) + ": " + error.message());
      CheckAbove(target.string() + "/.", shown);  // the target and what is above it
    }
  }
}

}  // namespace

void PrepareSafetyDirectory(const std::string& given) {
  const std::string shown = "the safety backup directory " + util::Printable(given);
  // "dir/" would make lstat follow a link that "dir" is.
  std::string dir = given;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  CheckAbove(dir, shown);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw Error("cannot use " + shown + ": " + Errno());
    MakeOwnerOnlyDirectories(dir);
    if (::lstat(dir.c_str(), &st) != 0) throw Error("cannot use " + shown + ": " + Errno());
  }
  // Anyone who could swap it could read or replace the state saved there.
  if (S_ISLNK(st.st_mode)) throw Error("refusing " + shown + ": it is a symbolic link");
  if (!S_ISDIR(st.st_mode)) throw Error("refusing " + shown + ": it is not a directory");
  if (st.st_uid != ::geteuid()) {
    throw Error("refusing " + shown + ": it is owned by uid " + std::to_string(st.st_uid) +
                ", not by this user (uid " + std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw Error("refusing " + shown + ": it is writable by others (chmod go-w, or 0700)");
  }
}

}  // namespace baton::storage
