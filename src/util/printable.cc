#include "util/printable.h"

#include <cstdio>

#include "util/utf8.h"

namespace baton::util {

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  while (i < text.size() && out.size() < max_bytes) {
    size_t start = i;
    char32_t cp = 0;
    if (util::DecodeUtf8(text, i, cp) && cp > 0x1F && !(cp >= 0x7F && cp <= 0x9F) && cp != '\\') {
      out.append(text.substr(start, i - start));
      continue;
    }
    i = start + 1;
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned char>(text[start]));
    out += escaped;
  }
  if (i < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace baton::util
