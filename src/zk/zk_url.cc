#include "baton/zk_url.h"

#include <cctype>
#include <charconv>
#include <string_view>

#include "baton/error.h"
#include "util/printable.h"
#include "zk/node_name.h"

namespace baton {
namespace {

constexpr std::string_view kScheme = "zk://";

bool ValidPort(std::string_view port) {
  int value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value > 0 && value < 65536;
}

void CheckHost(std::string_view host_port) {
  // "[v6addr]:port" or "name:port".
  size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || !ValidPort(host_port.substr(colon + 1))) {
    throw Error("invalid ZooKeeper URL: host '" + util::Printable(host_port) +
                    "' is not of the form host:port",
                ErrorKind::kInvalidInput);
  }
  std::string_view host = host_port.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') {
    throw Error(
        "invalid ZooKeeper URL: unterminated IPv6 address in '" + util::Printable(host_port) + "'",
        ErrorKind::kInvalidInput);
  }
  // A DNS name, an IPv4 address or a bracketed IPv6 address (with a zone).
  const bool v6 = host.front() == '[';
  if (v6) host = host.substr(1, host.size() - 2);
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
              (v6 && (c == ':' || c == '%'));
    if (!ok) {
      throw Error("invalid ZooKeeper URL: '" + util::Printable(host_port) +
                      "' is not a host name or address with a port",
                  ErrorKind::kInvalidInput);
    }
  }
  if (host.empty()) {
    throw Error("invalid ZooKeeper URL: host '" + util::Printable(host_port) + "' has no name",
                ErrorKind::kInvalidInput);
  }
}

// Takes "user:password@" off the front of `authority` into `url`. The
// password may itself contain '@': the credentials end at the last one.
void TakeCredentials(std::string_view& authority, ZkUrl& url) {
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return;
  std::string_view credentials = authority.substr(0, at);
  authority.remove_prefix(at + 1);
  size_t colon = credentials.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == credentials.size()) {
    throw Error("invalid ZooKeeper URL: credentials must be user:password",
                ErrorKind::kInvalidInput);
  }
  url.user = std::string(credentials.substr(0, colon));
  url.password = std::string(credentials.substr(colon + 1));
}

// The path without trailing slashes; each segment a legal node name.
std::string CheckedPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") {
    throw Error("invalid ZooKeeper URL: the path must name a node below / (e.g. /marathon)",
                ErrorKind::kInvalidInput);
  }
  for (size_t pos = 1; pos <= path.size();) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (!zk::IsValidNodeName(path.substr(pos, next - pos))) {
      throw Error("invalid ZooKeeper URL: bad path '" + util::Printable(path) +
                      "' (each segment must be a legal ZooKeeper node name)",
                  ErrorKind::kInvalidInput);
    }
    pos = next + 1;
  }
  return std::string(path);
}

}  // namespace

ZkUrl ZkUrl::Parse(const std::string& text) {
  if (text.compare(0, kScheme.size(), kScheme) != 0) {
    throw Error(
        "invalid ZooKeeper URL: expected zk://[user:password@]host:port[,host:port...]/path",
        ErrorKind::kInvalidInput);
  }
  std::string_view rest(text);
  rest.remove_prefix(kScheme.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    throw Error("invalid ZooKeeper URL: missing path (e.g. zk://localhost:2181/marathon)",
                ErrorKind::kInvalidInput);
  }
  std::string_view authority = rest.substr(0, slash);
  ZkUrl url;
  TakeCredentials(authority, url);
  if (authority.empty()) throw Error("invalid ZooKeeper URL: no hosts", ErrorKind::kInvalidInput);
  for (size_t start = 0; start <= authority.size();) {
    size_t comma = authority.find(',', start);
    if (comma == std::string_view::npos) comma = authority.size();
    CheckHost(authority.substr(start, comma - start));
    start = comma + 1;
  }
  url.hosts = std::string(authority);
  url.path = CheckedPath(rest.substr(slash));
  return url;
}

std::string ZkUrl::Redacted() const {
  std::string out(kScheme);
  // The user name is not checked when parsed: escaped, as it is printed.
  if (has_credentials()) out += util::Printable(user) + ":***@";
  return out + hosts + path;
}

}  // namespace baton
