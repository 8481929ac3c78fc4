// A backup sink and source in memory, for unit tests of the archive code.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "baton/storage.h"

namespace baton::testing {

class MemorySink : public BackupSink {
 public:
  void Write(const void* data, size_t size) override {
    bytes.append(static_cast<const char*>(data), size);
  }
  void Commit() override {}
  std::string bytes;
};

class MemorySource : public BackupSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  size_t Read(void* buffer, size_t size) override {
    size_t n = std::min(size, bytes_.size() - pos_);
    std::memcpy(buffer, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

}  // namespace baton::testing
