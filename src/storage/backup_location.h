// A backup location URI split into its parts: scheme://authority/path?query.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace baton::storage {

struct BackupLocation {
  std::string scheme;                         // lower case: "file", "s3"
  std::string authority;                      // the S3 bucket; empty for file URIs
  std::string path;                           // percent-decoded
  std::map<std::string, std::string> params;  // percent-decoded query parameters

  // Throws baton::Error (kInvalidInput) for text that is not a URI; the
  // message quotes only the scheme, so secrets in the query never reach a log.
  static BackupLocation Parse(const std::string& text);
  // The URI with the value of every parameter but the public ones (region,
  // endpoint, sse, sse_kms_key_id) replaced by "***".
  std::string Redacted() const;
};

// The placeholder a backup location may carry so that each backup keeps its
// own file, e.g. file:///var/backups/baton-{timestamp}.tar.
inline constexpr std::string_view kTimePlaceholder = "{timestamp}";
// Replaces every {timestamp} with `now` in UTC, ISO 8601 basic format with
// milliseconds ("20261125T011737.123Z": sorts by time, no ':' for S3 keys or
// file systems that mind it).
std::string ExpandTimePlaceholder(const std::string& location,
                                  std::chrono::system_clock::time_point now);

// Whether the value of the (percent-decoded) query parameter `name` must
// never be shown: true for all but region, endpoint, sse and sse_kms_key_id.
bool IsSecretParameter(std::string_view name);

// The query parameters a location may carry, in the order help and errors
// list them. Any other name is never shown, not even in an error: a secret
// holding an unescaped '&' splits into parameters, and its tail becomes one.
inline constexpr std::string_view kKnownParameters[] = {"region",   "access_key", "secret_key",
                                                        "endpoint", "sse",        "sse_kms_key_id"};
bool IsKnownParameter(std::string_view name);

// `text` with what would change the meaning of a URI part percent-encoded
// (the `reserved` characters, '%', spaces, control characters), so that
// Parse gives it back as it was: "?#" for a path.
std::string PercentEncode(const std::string& text, std::string_view reserved);

// Percent-decodes `text` ('+' stays '+'); throws baton::Error (kInvalidInput)
// on a bad escape.
std::string PercentDecode(const std::string& text);

}  // namespace baton::storage
