// Names what the user probably meant by a mistyped command, flag or setting,
// and lets every flag be typed with '-' or '_' between its words (Debian's
// CLI11 2.1 does neither).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace baton::cli {

// The edit distance (insertions, deletions, substitutions and swaps of two
// neighbours) between `a` and `b`.
size_t EditDistance(std::string_view a, std::string_view b);

// The name of `names` nearest to `word`, if it is near enough to be a typo
// of it (at most a third of its letters wrong, at least one allowed); ""
// otherwise.
std::string NearestName(std::string_view word, const std::vector<std::string>& names);

// "; did you mean X?" with the nearest name, or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& names);

// Rewrites, in place, every "--flag-name[=value]" argument before a bare
// "--" as "--flag_name[=value]": Baton's flags are named with underscores.
void UnderscoreFlagNames(int argc, char** argv);

}  // namespace baton::cli
