#include "util/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "baton/error.h"

namespace baton::util {

std::string TempDirectory(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

TempFile::TempFile(const std::string& dir) : dir_(TempDirectory(dir)) {
  fd_ = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
    // A file system without O_TMPFILE: a named file, unlinked at once.
    std::string name = dir_ + "/.baton-spool-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.c_str());
  }
  if (fd_ < 0) {
    throw Error("cannot create a temporary file in " + dir_ + ": " + std::strerror(errno));
  }
}

TempFile::~TempFile() { ::close(fd_); }

void TempFile::Write(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd_, bytes, size, static_cast<off_t>(size_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error("cannot write a temporary file in " + dir_ + ": " + std::strerror(errno));
    }
    bytes += n;
    size -= static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
}

size_t TempFile::Read(void* buffer, size_t size) {
  for (;;) {
    ssize_t n = ::pread(fd_, buffer, size, static_cast<off_t>(read_at_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error("cannot read a temporary file in " + dir_ + ": " + std::strerror(errno));
    }
    read_at_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
}

void TempFile::Rewind() { read_at_ = 0; }

}  // namespace baton::util
