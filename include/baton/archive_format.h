// The two archive formats Baton writes; both restore with Baton.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "baton/error.h"

namespace baton {

// baton: checksummed entries and a manifest, optionally compressed;
// marathon: the plain tar Marathon 1.5+ restores.
enum class ArchiveFormat { kBaton, kMarathon };

inline constexpr ArchiveFormat kArchiveFormats[] = {ArchiveFormat::kBaton,
                                                    ArchiveFormat::kMarathon};

// "baton" or "marathon": as --format takes it, and as catalogue records and
// inspect name it.
inline std::string_view ArchiveFormatName(ArchiveFormat format) {
  return format == ArchiveFormat::kMarathon ? "marathon" : "baton";
}

// Every format's name, kArchiveFormats' order.
inline std::vector<std::string> ArchiveFormatNames() {
  std::vector<std::string> names;
  for (ArchiveFormat format : kArchiveFormats) names.emplace_back(ArchiveFormatName(format));
  return names;
}

// The format called `name`; throws baton::Error (kInvalidInput) for any other.
inline ArchiveFormat ParseArchiveFormat(std::string_view name) {
  for (ArchiveFormat format : kArchiveFormats) {
    if (ArchiveFormatName(format) == name) return format;
  }
  throw Error("unknown archive format '" + std::string(name) + "'", ErrorKind::kInvalidInput);
}

}  // namespace baton
