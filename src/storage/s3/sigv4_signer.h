// AWS Signature Version 4 (header form), written on OpenSSL's SHA-256 and
// HMAC. Checked against AWS's published test vectors.
#pragma once

#include <ctime>
#include <map>
#include <string>

#include "util/digest.h"

namespace baton::storage::s3 {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // where they came from, for messages: "uri", "environment", ...
};

struct SignableRequest {
  std::string method;
  std::string path;                            // not yet encoded, e.g. "/bucket/key"
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // lower-case names; must include "host"
  std::string payload_sha256;                  // hex, or "UNSIGNED-PAYLOAD"
};

class SigV4Signer {
 public:
  SigV4Signer(Credentials credentials, std::string region, std::string service);

  // Adds x-amz-date, x-amz-content-sha256, x-amz-security-token (when there
  // is a session token) and Authorization to request.headers.
  void Sign(SignableRequest& request, std::time_t now) const;

  const Credentials& credentials() const { return credentials_; }

  // RFC 3986 encoding as SigV4 wants it; '/' kept when `keep_slash`.
  static std::string UriEncode(const std::string& text, bool keep_slash);
  static std::string CanonicalQuery(const std::map<std::string, std::string>& query);

 private:
  Credentials credentials_;
  std::string region_;
  std::string service_;
};

using util::Md5Base64;
using util::Sha256Hex;

}  // namespace baton::storage::s3
