#include "server/leader_resource.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "baton/error.h"
#include "baton/storage.h"
#include "layout/marathon/runtime_configuration.h"
#include "operations/restore_marker.h"
#include "server/json_reply.h"
#include "storage/backup_location.h"

namespace baton::server {
namespace {

// The locations a DELETE /v2/leader names, checked, with {timestamp} filled
// in once, so that the log names the very file the next leader writes; and
// the plan for the log (secrets redacted). Throws baton::Error (400).
std::pair<marathon::RuntimeConfiguration, std::string> PlanHandover(const httplib::Request& req) {
  const auto now = std::chrono::system_clock::now();
  marathon::RuntimeConfiguration config;
  std::string plan;
  for (auto [name, field] :
       {std::pair{"backup", &config.backup}, std::pair{"restore", &config.restore}}) {
    if (!req.has_param(name)) continue;
    std::string uri = req.get_param_value(name);
    try {
      CheckLocation(uri, *name == 'r');
      uri = storage::ExpandTimePlaceholder(uri, now);
      plan += std::string(plan.empty() ? "" : ", ") + name + " " + OpenStorage(uri)->Describe();
    } catch (const Error& e) {
      throw Error(std::string("Invalid ") + name + " URI: " + e.what(), ErrorKind::kInvalidInput);
    }
    *field = uri;
  }
  return {config, plan};
}

// Stores `config` for the next leader, unless a handover is under way in
// this process or in ZooKeeper (409), or the term ended (503).
void AnswerHandover(zk::ZkSession& session, const std::string& zk_path, const std::string& fence,
                    Term& term, const marathon::RuntimeConfiguration& config,
                    httplib::Response& res) {
  if (!term.ClaimHandover()) {
    return ReplyMessage(res, 409, "Leadership is already being handed over");
  }
  using Proposal = marathon::RuntimeConfiguration::Proposal;
  Proposal outcome = Proposal::kNotLeader;
  try {
    outcome = config.Propose(session, zk_path, fence);
  } catch (...) {
    term.SettleHandover(false);
    throw;
  }
  term.SettleHandover(outcome == Proposal::kStored);
  if (outcome == Proposal::kPending) {
    return ReplyMessage(res, 409,
                        "Leadership is already being handed over (a runtime configuration "
                        "is pending)");
  }
  if (outcome == Proposal::kNotLeader) {
    return ReplyRetry(res, "Leadership was lost during the request; retry");
  }
  ReplyMessage(res, 200, "Leadership abdicated");
}

}  // namespace

std::string CheckLocation(const std::string& uri, bool for_restore) {
  if (for_restore && uri.find(storage::kTimePlaceholder) != std::string::npos) {
    throw Error("a restore location names one backup; it cannot contain " +
                    std::string(storage::kTimePlaceholder),
                ErrorKind::kInvalidInput);
  }
  return OpenStorage(storage::ExpandTimePlaceholder(uri, std::chrono::system_clock::now()))
      ->Describe();
}

LeaderResource::LeaderResource(zk::ZkSession& session, std::string zk_path,
                               LeaderElection& election, LeaderProxy& proxy, Term& term)
    : session_(session),
      zk_path_(std::move(zk_path)),
      election_(election),
      proxy_(proxy),
      term_(term) {}

void LeaderResource::Register(httplib::Server& http) {
  http.Get("/v2/leader",
           [this](const httplib::Request& req, httplib::Response& res) { Show(req, res); });
  http.Delete("/v2/leader",
              [this](const httplib::Request& req, httplib::Response& res) { Abdicate(req, res); });
}

void LeaderResource::Show(const httplib::Request&, httplib::Response& res) {
  std::optional<std::string> leader = election_.Leader();
  if (!leader) return ReplyMessage(res, 404, "There is no leader");
  Reply(res, 200, {{"leader", *leader}});
}

void LeaderResource::Abdicate(const httplib::Request& req, httplib::Response& res) {
  std::optional<std::string> fence = proxy_.Route(req, res);
  if (!fence) return;
  marathon::RuntimeConfiguration config;
  std::string plan;
  try {
    std::tie(config, plan) = PlanHandover(req);
  } catch (const Error& e) {
    return ReplyMessage(res, 400, e.what());
  }
  // Not queued behind a running job: whoever asked decides again later.
  if (auto running = operations::RunningJob(session_, zk_path_)) {
    return ReplyMessage(res, 409, *running + " is running; ask again when it is done");
  }
  AnswerHandover(session_, zk_path_, *fence, term_, config, res);
  if (res.status == 200) {
    spdlog::info("leader endpoint: abdicating{}{}", plan.empty() ? "" : "; the next leader will ",
                 plan);
  }
}

}  // namespace baton::server
