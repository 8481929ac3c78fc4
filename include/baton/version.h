#pragma once

namespace baton {

// Baton's version: CMake's project version, passed in as BATON_VERSION.
inline constexpr char kVersion[] = BATON_VERSION;

}  // namespace baton
