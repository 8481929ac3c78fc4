#include "archive/compression.h"

#include "baton/error.h"

namespace baton::archive {

Compression ParseCompression(std::string_view name) {
  if (name == "none") return Compression::kNone;
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  throw Error("unknown compression '" + std::string(name) + "' (use none, gzip or zstd)",
              ErrorKind::kInvalidInput);
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "none";
}

Compression CompressionForPath(std::string_view path) {
  for (std::string_view suffix : {".gz", ".tgz"}) {
    if (path.ends_with(suffix)) return Compression::kGzip;
  }
  for (std::string_view suffix : {".zst", ".tzst"}) {
    if (path.ends_with(suffix)) return Compression::kZstd;
  }
  return Compression::kNone;
}

}  // namespace baton::archive
