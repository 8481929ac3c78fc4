// Arbitrary text as a --zk URL: parsed or refused with baton::Error; a parsed
// one has a usable path, and its redacted form hides the password.
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/error.h"
#include "baton/zk_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    baton::ZkUrl url = baton::ZkUrl::Parse(text);
    if (url.path.size() < 2 || url.path[0] != '/' || url.path.back() == '/' || url.hosts.empty()) {
      __builtin_trap();
    }
    if (url.password.size() >= 4 && url.Redacted().find(url.password) != std::string::npos) {
      __builtin_trap();
    }
  } catch (const baton::Error&) {
  }
  return 0;
}
