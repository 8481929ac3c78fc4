// One HTTP request over libcurl, with the whole response in memory (callers
// keep bodies bounded: S3 parts and ranges, metadata documents).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "baton/error.h"

namespace baton::storage {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string_view body;
  long connect_timeout_ms = 10000;
  long timeout_ms = 300000;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// The request never reached an answer (refused, reset, timed out): worth a retry.
class TransportError : public Error {
 public:
  explicit TransportError(const std::string& message) : Error(message, ErrorKind::kUnavailable) {}
};

HttpResponse HttpSend(const HttpRequest& request);

}  // namespace baton::storage
