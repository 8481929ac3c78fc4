#include "util/host_name.h"

#include <unistd.h>

namespace baton::util {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace baton::util
