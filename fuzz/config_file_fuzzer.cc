// --config files: any bytes either parse into settings or are refused with
// ConfigSyntaxError; nothing else may happen.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    for (const auto& setting :
         baton::cli::ParseConfigFile(std::string_view(reinterpret_cast<const char*>(data), size))) {
      if (setting.name.empty() || setting.values.empty()) __builtin_trap();
    }
  } catch (const baton::cli::ConfigSyntaxError&) {
  }
  return 0;
}
