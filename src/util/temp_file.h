// An unnamed temporary file (O_TMPFILE, or a file unlinked at once where the
// file system lacks it; mode 0600) in a given directory, or $TMPDIR or /tmp: gone
// when closed or when the process dies, however it dies. For spills and
// spools that must not outlive the command.
//
// Thread safety: none; one thread uses a TempFile at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace baton::util {

// Where a TempFile made with `dir` goes: `dir`, or $TMPDIR, or /tmp.
std::string TempDirectory(const std::string& dir = "");

class TempFile {
 public:
  // In `dir`, or "" for $TMPDIR or /tmp. Throws baton::Error naming the
  // directory when it cannot be created.
  explicit TempFile(const std::string& dir = "");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void Write(const void* data, size_t size);
  // Reads up to `size` bytes from the read position; 0 at the end.
  size_t Read(void* buffer, size_t size);
  // Moves the read position back to the first byte.
  void Rewind();
  uint64_t size() const { return size_; }

 private:
  std::string dir_;
  int fd_ = -1;
  uint64_t size_ = 0;     // bytes written
  uint64_t read_at_ = 0;  // read position
};

}  // namespace baton::util
