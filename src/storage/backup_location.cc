#include "storage/backup_location.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "baton/error.h"
#include "util/time_text.h"

namespace baton::storage {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentEncode(const std::string& text, std::string_view reserved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '%' || reserved.find(c) != std::string_view::npos) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

bool IsSecretParameter(std::string_view name) {
  // Values are shown only for the parameters known to be public: a secret
  // spelt otherwise (SECRET_KEY, secretkey) is still a secret.
  for (std::string_view shown : {"region", "endpoint", "sse", "sse_kms_key_id"}) {
    if (name == shown) return false;
  }
  return true;
}

bool IsKnownParameter(std::string_view name) {
  return std::find(std::begin(kKnownParameters), std::end(kKnownParameters), name) !=
         std::end(kKnownParameters);
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0)
      throw Error("invalid backup location: bad percent-escape in the URI",
                  ErrorKind::kInvalidInput);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

BackupLocation BackupLocation::Parse(const std::string& text) {
  BackupLocation loc;
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 ||
      !std::isalpha(static_cast<unsigned char>(text[0]))) {
    throw Error(
        "invalid backup location: expected a URI such as file:///path/to/backup.tar "
        "or s3://bucket/key",
        ErrorKind::kInvalidInput);
  }
  for (size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      throw Error("invalid backup location: bad URI scheme", ErrorKind::kInvalidInput);
    }
    loc.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string rest = text.substr(colon + 1);
  if (size_t hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  if (size_t q = rest.find('?'); q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest.resize(q);
    size_t start = 0;
    while (start < query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string pair = query.substr(start, amp - start);
      if (!pair.empty()) {
        size_t eq = pair.find('=');
        std::string key = PercentDecode(pair.substr(0, eq));
        loc.params[key] = eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1));
      }
      start = amp + 1;
    }
  }
  if (rest.starts_with("//")) {
    size_t slash = rest.find('/', 2);
    loc.authority =
        PercentDecode(rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2));
    rest = slash == std::string::npos ? "" : rest.substr(slash);
  }
  loc.path = PercentDecode(rest);
  return loc;
}

std::string BackupLocation::Redacted() const {
  std::string out = scheme + "://" + PercentEncode(authority, "/?#") + PercentEncode(path, "?#");
  char sep = '?';
  for (const auto& [key, value] : params) {
    out += sep;
    if (!IsKnownParameter(key)) {
      out += "***";
    } else {
      out += key + "=" + (IsSecretParameter(key) ? "***" : PercentEncode(value, "&=#"));
    }
    sep = '&';
  }
  return out;
}

std::string ExpandTimePlaceholder(const std::string& location,
                                  std::chrono::system_clock::time_point now) {
  const std::string stamp = util::CompactUtcText(now);
  std::string out = location;
  for (size_t at = out.find(kTimePlaceholder); at != std::string::npos;
       at = out.find(kTimePlaceholder, at)) {
    out.replace(at, kTimePlaceholder.size(), stamp);
  }
  return out;
}

}  // namespace baton::storage
