#include "server/leader_proxy.h"

#include <spdlog/spdlog.h>

#include "server/json_reply.h"

namespace baton::server {
namespace {

constexpr char kForwardedBy[] = "X-Baton-Forwarded-By";

}  // namespace

LeaderProxy::LeaderProxy(LeaderElection& election, std::string me,
                         std::function<std::optional<std::string>()> term)
    : election_(election), me_(std::move(me)), term_(std::move(term)) {}

std::optional<std::string> LeaderProxy::Route(const httplib::Request& req, httplib::Response& res) {
  if (auto fence = term_()) return fence;
  std::optional<std::string> leader = election_.Leader();
  if (!leader) {
    ReplyRetry(res, "There is no leader");
  } else if (*leader == me_) {
    ReplyRetry(res,
               "This server was elected and is taking over (backup, restore or migration); "
               "retry shortly");
  } else if (req.has_header(kForwardedBy)) {
    ReplyRetry(res, "Leadership is moving; retry shortly");
  } else {
    Forward(req, res, *leader);
  }
  return std::nullopt;
}

void LeaderProxy::Forward(const httplib::Request& req, httplib::Response& res,
                          const std::string& leader) {
  size_t colon = leader.rfind(':');
  httplib::Client client(leader.substr(0, colon), std::stoi(leader.substr(colon + 1)));
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_tcp_nodelay(true);  // headers and body go out as separate writes
  client.set_read_timeout(std::chrono::seconds(60));
  httplib::Request out;
  out.method = req.method;
  out.path = req.target;  // path and query as received
  out.body = req.body;
  out.headers = {{kForwardedBy, me_}};
  for (const char* name : {"Authorization", "Content-Type", "Accept"}) {
    if (req.has_header(name)) out.headers.emplace(name, req.get_header_value(name));
  }
  httplib::Result answer = client.send(out);
  if (!answer) {
    spdlog::warn("forwarding {} {} to the leader {} failed: {}", req.method, req.path, leader,
                 httplib::to_string(answer.error()));
    return ReplyMessage(res, 502, "The leader " + leader + " did not answer");
  }
  res.status = answer->status;
  res.body = answer->body;
  for (const char* name : {"Content-Type", "Location", "WWW-Authenticate", "Retry-After"}) {
    if (answer->has_header(name)) res.set_header(name, answer->get_header_value(name));
  }
  res.set_header("X-Baton-Leader", leader);
}

}  // namespace baton::server
