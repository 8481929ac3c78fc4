// Arbitrary text as a backup's manifest: parsed or refused with baton::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "archive/manifest.h"
#include "baton/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    baton::archive::Manifest manifest =
        baton::archive::Manifest::FromJson(std::string(reinterpret_cast<const char*>(data), size));
    // What is read back must survive a round trip.
    baton::archive::Manifest again = baton::archive::Manifest::FromJson(manifest.ToJson());
    if (again.ToJson() != manifest.ToJson()) __builtin_trap();
  } catch (const baton::Error&) {
  }
  return 0;
}
