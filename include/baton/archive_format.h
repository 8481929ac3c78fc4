// The two archive formats Baton writes; both restore with Baton.
#pragma once

namespace baton {

// baton: checksummed entries and a manifest, optionally compressed;
// marathon: the plain tar Marathon 1.5+ restores.
enum class ArchiveFormat { kBaton, kMarathon };

}  // namespace baton
