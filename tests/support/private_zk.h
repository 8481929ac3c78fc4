// A standalone ZooKeeper server of one test's own, for what the shared test
// server cannot show while other tests write to it at the same time (ctest
// runs them in parallel): that a backup's window was quiet.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "support/test_env.h"

namespace baton::testing {

class PrivateZk {
 public:
  PrivateZk() : dir_(TempDir() + "/zk") {
    std::string start = SourceDir() + "/scripts/zk-server start " + dir_ + " > /dev/null";
    if (std::system(start.c_str()) != 0) throw std::runtime_error("cannot start ZooKeeper");
    address_ = ReadFile(dir_ + "/address");
    while (!address_.empty() && address_.back() == '\n') address_.pop_back();
  }
  ~PrivateZk() {
    std::string stop = SourceDir() + "/scripts/zk-server stop " + dir_ + " > /dev/null";
    if (std::system(stop.c_str()) != 0) std::fprintf(stderr, "cannot stop %s\n", dir_.c_str());
  }
  const std::string& address() const { return address_; }

 private:
  std::string dir_, address_;
};

}  // namespace baton::testing
