#include "zk/acl.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "baton/error.h"
#include "util/printable.h"

namespace baton::zk {
namespace {

// A decimal number in [0, max], as Java's Integer.parseInt then a range check.
bool IsNumberUpTo(std::string_view text, int max) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= max;
}

// IPAuthenticationProvider.isValid: an IPv4 address, optionally /bits. The
// 3.8 server refuses IPv6 ones (tried: "ip:::1" is an invalid ACL).
bool IsValidIp(std::string_view id) {
  size_t slash = id.find('/');
  if (slash != std::string_view::npos && !IsNumberUpTo(id.substr(slash + 1), 32)) return false;
  std::string_view address = id.substr(0, slash);
  for (int part = 0; part < 4; ++part) {
    size_t dot = address.find('.');
    if ((dot == std::string_view::npos) != (part == 3)) return false;
    if (!IsNumberUpTo(address.substr(0, dot), 255)) return false;
    address.remove_prefix(dot == std::string_view::npos ? address.size() : dot + 1);
  }
  return true;
}

// DigestAuthenticationProvider.isValid: Java's id.split(":") (trailing empty
// parts dropped) must give two parts, "user:base64 hash".
bool IsValidDigest(std::string_view id) {
  while (id.ends_with(':')) id.remove_suffix(1);
  size_t colon = id.find(':');
  return colon != std::string_view::npos && id.find(':', colon + 1) == std::string_view::npos;
}

}  // namespace

Acl::Acl(const std::string& text) : text_(text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    size_t perms_end = line.find(':');
    size_t scheme_end = perms_end == std::string::npos ? perms_end : line.find(':', perms_end + 1);
    if (scheme_end == std::string::npos)
      throw Error("unreadable ACL entry '" + util::Printable(line) + "'");
    int perms = 0;
    try {
      perms = std::stoi(line.substr(0, perms_end));
    } catch (const std::exception&) {
      throw Error("unreadable ACL entry '" + util::Printable(line) + "'");
    }
    schemes_.push_back(line.substr(perms_end + 1, scheme_end - perms_end - 1));
    ids_.push_back(line.substr(scheme_end + 1));
    entries_.push_back(ACL{perms, Id{nullptr, nullptr}});
  }
  // Pointers into the strings only once the vectors no longer move.
  for (size_t i = 0; i < entries_.size(); ++i) {
    entries_[i].id.scheme = schemes_[i].data();
    entries_[i].id.id = ids_[i].data();
  }
  vector_.count = static_cast<int32_t>(entries_.size());
  vector_.data = entries_.data();
}

Acl Acl::Parse(const std::string& text) {
  Acl acl(text);
  if (acl.entries_.empty()) throw Error("an ACL needs at least one entry");
  return acl;
}

std::string Acl::ToText(const ACL_vector& acl) {
  std::string text;
  for (int i = 0; i < acl.count; ++i) {
    if (i > 0) text += '\n';
    text +=
        std::to_string(acl.data[i].perms) + ":" + acl.data[i].id.scheme + ":" + acl.data[i].id.id;
  }
  return text;
}

std::string Acl::Refusal() const {
  for (const ACL& entry : entries_) {
    std::string_view scheme = entry.id.scheme, id = entry.id.id;
    std::string what =
        std::to_string(entry.perms) + ":" + std::string(scheme) + ":" + std::string(id) + "': ";
    if (entry.perms < 1 || entry.perms > ZOO_PERM_ALL) {
      return "'" + what +
             "permissions must be 1..31 (read 1, write 2, create 4, delete 8, admin 16)";
    }
    if (scheme == "world") {
      if (id != "anyone") return "'" + what + "the world scheme's only id is 'anyone'";
    } else if (scheme == "digest") {
      if (id.ends_with(":x")) {
        return "'" + what +
               "the server hid this digest's hash from the session that took the backup (it "
               "lacked ADMIN on the node), so the ACL cannot be written back";
      }
      if (!IsValidDigest(id)) return "'" + what + "a digest id is user:hash";
    } else if (scheme == "ip") {
      if (!IsValidIp(id)) return "'" + what + "an ip id is an IPv4 address, optionally /bits";
    } else if (scheme == "auth") {
      // ZooKeeper stores the creator's ids in its place, so no node has it.
      return "'" + what + "ZooKeeper never stores the auth scheme, so no backup holds it";
    } else {
      return "'" + what + "unknown scheme (ZooKeeper accepts world, digest and ip)";
    }
  }
  return "";
}

uint64_t Acl::WireBytes() const {
  uint64_t bytes = 4;  // the count
  for (size_t i = 0; i < entries_.size(); ++i) {
    bytes += 4 + 4 + schemes_[i].size() + 4 + ids_[i].size();  // perms, two strings
  }
  return bytes;
}

bool Acl::OpenTo(int32_t perms) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (schemes_[i] == "world" && ids_[i] == "anyone" && (entries_[i].perms & perms) == perms) {
      return true;
    }
  }
  return false;
}

bool Acl::IsMasked(std::string_view text) {
  for (size_t at = text.find(":digest:"); at != std::string_view::npos;
       at = text.find(":digest:", at + 1)) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (text.substr(0, end).ends_with(":x")) return true;
  }
  return false;
}

bool Acl::IsOpen(const ACL_vector& acl) {
  return acl.count == 1 && acl.data[0].perms == ZOO_PERM_ALL &&
         std::string(acl.data[0].id.scheme) == "world" &&
         std::string(acl.data[0].id.id) == "anyone";
}

}  // namespace baton::zk
