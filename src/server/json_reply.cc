#include "server/json_reply.h"

namespace baton::server {

void Reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void ReplyMessage(httplib::Response& res, int status, const std::string& message) {
  Reply(res, status, {{"message", message}});
}

void ReplyRetry(httplib::Response& res, const std::string& message) {
  res.set_header("Retry-After", "1");
  ReplyMessage(res, 503, message);
}

}  // namespace baton::server
