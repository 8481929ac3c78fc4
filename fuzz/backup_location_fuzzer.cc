// Arbitrary text as a --backup_location URI: parsed or refused with
// baton::Error; a secret given never survives redaction.
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/error.h"
#include "storage/backup_location.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    baton::storage::BackupLocation location = baton::storage::BackupLocation::Parse(text);
    // The redacted form is still a location, with the secret replaced.
    if (location.params.count("secret_key") > 0) {
      baton::storage::BackupLocation redacted =
          baton::storage::BackupLocation::Parse(location.Redacted());
      if (redacted.params.at("secret_key") != "***") __builtin_trap();
    }
  } catch (const baton::Error&) {
  }
  return 0;
}
