// UTC times as text, in the two spellings Baton uses.
#pragma once

#include <chrono>
#include <string>

namespace baton::util {

// "2026-11-25T01:17:37.123Z" (ISO 8601 extended, milliseconds).
std::string UtcText(std::chrono::system_clock::time_point time);
// "20261125T011737.123Z" (ISO 8601 basic: sorts by time, no ':' for S3 keys
// and file systems that mind it).
std::string CompactUtcText(std::chrono::system_clock::time_point time);

}  // namespace baton::util
