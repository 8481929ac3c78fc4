// Arbitrary text as a --backup_location URI: parsed or refused with
// baton::Error, and a secret given never survives redaction.
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/error.h"
#include "storage/backup_location.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    baton::storage::BackupLocation location = baton::storage::BackupLocation::Parse(text);
    std::string redacted = location.Redacted();
    auto secret = location.params.find("secret_key");
    if (secret != location.params.end() && secret->second.size() >= 8 &&
        redacted.find(secret->second) != std::string::npos) {
      __builtin_trap();
    }
  } catch (const baton::Error&) {
  }
  return 0;
}
