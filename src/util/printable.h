// Text from untrusted input (entry names of a backup) made safe to print in
// an error or a log line.
#pragma once

#include <string>
#include <string_view>

namespace baton::util {

// `text` with control characters and invalid UTF-8 escaped as \xNN (so a
// hostile name cannot drive the terminal or forge log lines), cut to
// `max_bytes` with the full length named.
std::string Printable(std::string_view text, size_t max_bytes = 200);

}  // namespace baton::util
