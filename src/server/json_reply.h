// How baton serve's endpoints answer: a JSON body, Marathon's {"message": ...}
// for errors, and Retry-After on a 503 that asks the client to come back.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace baton::server {

// Sets `body` as the JSON content of `res`, with `status`.
void Reply(httplib::Response& res, int status, const nlohmann::json& body);
// {"message": `message`}.
void ReplyMessage(httplib::Response& res, int status, const std::string& message);
// 503 with Retry-After: 1, for what passes shortly (leadership moving).
void ReplyRetry(httplib::Response& res, const std::string& message);

}  // namespace baton::server
