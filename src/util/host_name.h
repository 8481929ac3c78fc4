// This machine's host name, for messages and the records others read
// (lock owners, restore markers): "unknown" when it cannot be had.
#pragma once

#include <string>

namespace baton::util {

std::string HostName();

}  // namespace baton::util
