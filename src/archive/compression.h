// Compression of a backup stream: none, gzip or zstd, chosen by flag or by
// the location's suffix (.tar.gz/.tgz, .tar.zst/.tzst).
#pragma once

#include <string>
#include <string_view>

namespace baton::archive {

enum class Compression { kNone, kGzip, kZstd };

// "none", "gzip", "zstd"; throws baton::Error (kInvalidInput) for anything else.
Compression ParseCompression(std::string_view name);
std::string_view CompressionName(Compression compression);
// By the suffix of a location's path; kNone when it names none.
Compression CompressionForPath(std::string_view path);

}  // namespace baton::archive
