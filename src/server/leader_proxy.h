// Routes a request that only the serving leader may answer. On the leader it
// hands back the term's fence (the election node its writes check); anywhere
// else it forwards the request to the leader, as Marathon does, and answers
// for it. A forwarded request carries X-Baton-Forwarded-By, so a request that
// meets a non-leader twice (leadership moving) is refused instead of looping.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>

#include "server/leader_election.h"

namespace baton::server {

// Thread safety: Route() from any number of HTTP workers at once; `term`
// must allow that too.
class LeaderProxy {
 public:
  // `term` returns the fence while this instance serves as leader.
  LeaderProxy(LeaderElection& election, std::string me,
              std::function<std::optional<std::string>()> term);

  // The fence when this instance should answer; otherwise nullopt, and `res`
  // holds the leader's answer (or 503 when there is no serving leader).
  std::optional<std::string> Route(const httplib::Request& req, httplib::Response& res);

 private:
  void Forward(const httplib::Request& req, httplib::Response& res, const std::string& leader);

  LeaderElection& election_;
  std::string me_;
  std::function<std::optional<std::string>()> term_;
};

}  // namespace baton::server
