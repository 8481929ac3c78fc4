// What `baton --version` prints: the version (CMake's project version), the
// git commit it was built from, and the versions of the libraries it runs
// with (as loaded, where the library can say; else as compiled against).
#pragma once

#include <string>

namespace baton::cli {

std::string VersionText();

}  // namespace baton::cli
