// What ZooKeeper accepts as the name of one node (one path segment).
#pragma once

#include <string_view>

namespace baton::zk {

// A legal single ZooKeeper node name: valid UTF-8, not "." or "..", no '/',
// and none of the characters ZooKeeper refuses (controls, private use,
// U+FFF0 and above, which includes everything outside the BMP).
bool IsValidNodeName(std::string_view name);

}  // namespace baton::zk
