#include "util/line_spill.h"

namespace baton::util {
namespace {
constexpr size_t kChunk = 1 << 16;
}  // namespace

void LineSpill::Add(std::string_view line) {
  pending_.append(line);
  pending_.push_back('\n');
  ++lines_;
  if (pending_.size() >= kChunk) FlushWrites();
}

void LineSpill::FlushWrites() {
  file_.Write(pending_.data(), pending_.size());
  pending_.clear();
}

void LineSpill::Rewind() {
  FlushWrites();
  file_.Rewind();
  read_.clear();
  read_at_ = 0;
}

bool LineSpill::Next(std::string& line) {
  for (;;) {
    size_t end = read_.find('\n', read_at_);
    if (end != std::string::npos) {
      line.assign(read_, read_at_, end - read_at_);
      read_at_ = end + 1;
      return true;
    }
    read_.erase(0, read_at_);
    read_at_ = 0;
    size_t had = read_.size();
    read_.resize(had + kChunk);
    size_t n = file_.Read(read_.data() + had, kChunk);
    read_.resize(had + n);
    if (n == 0) return false;  // a last line without '\n' cannot be: Add ends each
  }
}

}  // namespace baton::util
