// Baton reports failures as exceptions of one type: every public call either
// completes fully or throws baton::Error with a one-line, operator-readable
// message. Messages never contain credentials.
#pragma once

#include <stdexcept>
#include <string>

namespace baton {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace baton
