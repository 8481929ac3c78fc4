// The hash bucket Marathon's ZkPersistenceStore files an id under.
#pragma once

#include <string>
#include <string_view>

namespace baton::marathon {

// Java's String.hashCode over the UTF-16 code units of a UTF-8 id, in signed
// 32-bit arithmetic with wrap-around.
int32_t JavaStringHash(std::string_view utf8);

// Lower-case hex of abs(hash % 16): "0".."f".
std::string BucketOf(std::string_view id);

}  // namespace baton::marathon
