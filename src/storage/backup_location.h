// A backup location URI split into its parts: scheme://authority/path?query.
#pragma once

#include <map>
#include <string>

namespace baton::storage {

struct BackupLocation {
  std::string scheme;                         // lower case: "file", "s3"
  std::string authority;                      // the S3 bucket; empty for file URIs
  std::string path;                           // percent-decoded
  std::map<std::string, std::string> params;  // percent-decoded query parameters

  // Throws baton::Error for text that is not a URI; the message quotes only
  // the scheme, so secrets in the query never reach a log.
  static BackupLocation Parse(const std::string& text);
  // The URI with secret parameter values replaced by "***".
  std::string Redacted() const;
};

// Percent-decodes `text` ('+' stays '+'); throws baton::Error on a bad escape.
std::string PercentDecode(const std::string& text);

}  // namespace baton::storage
