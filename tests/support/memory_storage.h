// Backups in memory: a sink and a source for tests of the archive code, and
// a storage of many locations to pass to a job through its Env.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "baton/env.h"
#include "baton/error.h"
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

// Locations in memory: what a job commits to a location, and nothing else,
// can be opened there afterwards. Env() opens every location here.
class MemoryLocations {
 public:
  Env env() {
    Env env;
    env.open_storage = [this](const std::string& location) -> std::unique_ptr<StorageProvider> {
      return std::make_unique<Provider>(*this, location);
    };
    return env;
  }
  std::map<std::string, std::string> committed;

 private:
  class Sink : public BackupSink {
   public:
    Sink(MemoryLocations& all, std::string location) : all_(all), location_(std::move(location)) {}
    void Write(const void* data, size_t size) override {
      bytes_.append(static_cast<const char*>(data), size);
    }
    void Commit() override { all_.committed[location_] = bytes_; }

   private:
    MemoryLocations& all_;
    std::string location_, bytes_;
  };

  class Provider : public StorageProvider {
   public:
    Provider(MemoryLocations& all, std::string location)
        : all_(all), location_(std::move(location)) {}
    std::unique_ptr<BackupSink> Create() override {
      return std::make_unique<Sink>(all_, location_);
    }
    std::unique_ptr<BackupSource> Open() override {
      auto it = all_.committed.find(location_);
      if (it == all_.committed.end()) throw Error("no backup in memory at " + location_);
      return std::make_unique<MemorySource>(it->second);
    }
    std::string Describe() const override { return location_; }

   private:
    MemoryLocations& all_;
    std::string location_;
  };
};

}  // namespace baton::testing
