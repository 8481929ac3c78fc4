#include "storage/s3/xml.h"

#include <cstring>
#include <utility>

namespace baton::storage::s3 {
namespace {

std::string XmlUnescape(const std::string& text) {
  static const std::pair<const char*, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool decoded = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.compare(i, std::strlen(entity), entity) == 0) {
        out += c;
        i += std::strlen(entity);
        decoded = true;
        break;
      }
    }
    if (!decoded) out += text[i++];
  }
  return out;
}

}  // namespace

std::string XmlValue(const std::string& xml, const std::string& tag) {
  std::vector<std::string> found = XmlElements(xml, tag);
  return found.empty() ? "" : XmlUnescape(found.front());
}

std::vector<std::string> XmlElements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> found;
  const std::string open_tag = "<" + tag + ">", close_tag = "</" + tag + ">";
  for (size_t at = xml.find(open_tag); at != std::string::npos; at = xml.find(open_tag, at)) {
    at += open_tag.size();
    size_t close = xml.find(close_tag, at);
    if (close == std::string::npos) break;
    found.push_back(xml.substr(at, close - at));
    at = close + close_tag.size();
  }
  return found;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace baton::storage::s3
