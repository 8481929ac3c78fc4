// Arbitrary text as a --zk URL: parsed or refused with baton::Error; a parsed
// one has hosts and a path of legal node names.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/error.h"
#include "baton/zk_url.h"
#include "zk/node_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    baton::ZkUrl url = baton::ZkUrl::Parse(text);
    if (url.path.size() < 2 || url.path[0] != '/' || url.path.back() == '/' || url.hosts.empty()) {
      __builtin_trap();
    }
    // Every segment of the service root is a node name ZooKeeper accepts.
    for (size_t at = 1; at <= url.path.size();) {
      size_t next = std::min(url.path.find('/', at), url.path.size());
      if (!baton::zk::IsValidNodeName(std::string_view(url.path).substr(at, next - at))) {
        __builtin_trap();
      }
      at = next + 1;
    }
  } catch (const baton::Error&) {
  }
  return 0;
}
