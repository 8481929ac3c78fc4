#include "zk/acl.h"

#include "baton/error.h"
#include "util/printable.h"

namespace baton::zk {

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

bool Acl::IsOpen(const ACL_vector& acl) {
  return acl.count == 1 && acl.data[0].perms == ZOO_PERM_ALL &&
         std::string(acl.data[0].id.scheme) == "world" &&
         std::string(acl.data[0].id.id) == "anyone";
}

}  // namespace baton::zk
