// Lines spilled to an unnamed temporary file (util/temp_file.h): written in
// one pass, read back in another, so memory stays flat however many there
// are. Used for what a walk must remember of a whole tree (paths, zxids).
//
// Thread safety: none; one thread uses a LineSpill at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/temp_file.h"

namespace baton::util {

class LineSpill {
 public:
  // Appends one line; it must not contain '\n' (ZooKeeper paths cannot).
  void Add(std::string_view line);
  // Reading starts again at the first line.
  void Rewind();
  // The next line, without its '\n'; false after the last.
  bool Next(std::string& line);
  uint64_t lines() const { return lines_; }

 private:
  void FlushWrites();

  TempFile file_;
  std::string pending_;  // written lines not in the file yet
  std::string read_;     // read from the file, not returned yet
  size_t read_at_ = 0;   // into read_
  uint64_t lines_ = 0;
};

}  // namespace baton::util
