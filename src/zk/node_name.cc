#include "zk/node_name.h"

#include "util/utf8.h"

namespace baton::zk {

bool IsValidNodeName(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    if (!util::DecodeUtf8(name, i, cp)) return false;
    // The ranges ZooKeeper's PathUtils.validatePath refuses, which checks
    // UTF-16 units: code points above U+FFFF are surrogate pairs there, and
    // refused with U+D800..U+F8FF (the C client refuses them too).
    if (cp == '/' || cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xD800 && cp <= 0xF8FF) ||
        cp >= 0xFFF0) {
      return false;
    }
  }
  return true;
}

}  // namespace baton::zk
