// Marathon's leader endpoint:
//   GET    /v2/leader   {"leader": "host:port"}; 404 when there is none
//   DELETE /v2/leader   the serving leader abdicates; ?backup=<uri> and
//                       ?restore=<uri> leave the next leader a runtime
//                       configuration to back up and restore before it serves
// A DELETE is answered by the serving leader; others forward it there.
#pragma once

#include <httplib.h>

#include <string>

#include "server/leader_election.h"
#include "server/leader_proxy.h"
#include "server/term.h"
#include "zk/zk_session.h"

namespace baton::server {

// Thread safety: its handlers run on any number of HTTP workers at once; the
// term allows one handover at a time.
class LeaderResource {
 public:
  // `zk_path` is the service's path (the runtime configuration's home).
  LeaderResource(zk::ZkSession& session, std::string zk_path, LeaderElection& election,
                 LeaderProxy& proxy, Term& term);
  void Register(httplib::Server& http);

 private:
  void Show(const httplib::Request& req, httplib::Response& res);
  void Abdicate(const httplib::Request& req, httplib::Response& res);

  zk::ZkSession& session_;
  std::string zk_path_;
  LeaderElection& election_;
  LeaderProxy& proxy_;
  Term& term_;
};

// Checks a location given to the leader endpoint or on the command line;
// returns it with secrets redacted, for the log. Throws baton::Error.
std::string CheckLocation(const std::string& uri, bool for_restore);

}  // namespace baton::server
