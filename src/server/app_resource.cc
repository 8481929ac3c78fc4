#include "server/app_resource.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "server/json_reply.h"

namespace baton::server {
namespace {

using nlohmann::json;

void NoSuchApp(httplib::Response& res, const std::string& id) {
  ReplyMessage(res, 404, "App '" + id + "' does not exist");
}

// The app id in the URL, or nullopt after answering 404 for an invalid one.
std::optional<AppId> UrlId(const std::string& text, httplib::Response& res) {
  try {
    return AppId::Parse(text);
  } catch (const Error&) {
    NoSuchApp(res, text);
    return std::nullopt;
  }
}

void NotLeader(httplib::Response& res) {
  ReplyRetry(res, "Leadership was lost during the request; retry");
}

}  // namespace

AppResource::AppResource(AppRepository& apps, LeaderProxy& proxy, size_t max_json_depth)
    : apps_(apps), proxy_(proxy), max_json_depth_(max_json_depth) {}

void AppResource::Register(httplib::Server& http) {
  // Handlers of one method are tried in order: the versions routes first.
  using Handler =
      void (AppResource::*)(const httplib::Request&, httplib::Response&, const std::string&);
  auto bind = [this](Handler handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      std::optional<std::string> fence = proxy_.Route(req, res);
      if (!fence) return;  // answered by (or for) the leader
      try {
        (this->*handler)(req, res, *fence);
      } catch (const Error& e) {
        spdlog::error("{} {}: {}", req.method, req.path, e.what());
        ReplyMessage(res, 500, e.what());
      }
    };
  };
  http.Get("/v2/apps/?", bind(&AppResource::List));
  http.Post("/v2/apps/?", bind(&AppResource::Create));
  http.Get(R"(/v2/apps/(.+)/versions/([^/]+))", bind(&AppResource::ShowVersion));
  http.Get(R"(/v2/apps/(.+)/versions/?)", bind(&AppResource::ListVersions));
  http.Get(R"(/v2/apps/(.+))", bind(&AppResource::Show));
  http.Put(R"(/v2/apps/(.+))", bind(&AppResource::Replace));
  http.Delete(R"(/v2/apps/(.+))", bind(&AppResource::Remove));
}

void AppResource::List(const httplib::Request&, httplib::Response& res, const std::string&) {
  Reply(res, 200, {{"apps", apps_.List()}});
}

void AppResource::Create(const httplib::Request& req, httplib::Response& res,
                         const std::string& fence) {
  Write(req, res, fence, nullptr, true);
}

void AppResource::Replace(const httplib::Request& req, httplib::Response& res,
                          const std::string& fence) {
  std::string id = req.matches[1];
  Write(req, res, fence, &id, false);
}

void AppResource::Write(const httplib::Request& req, httplib::Response& res,
                        const std::string& fence, const std::string* id, bool create_only) {
  if (JsonNestsDeeperThan(req.body, max_json_depth_)) {  // well-formed, maybe, but refused
    return ReplyMessage(res, 422,
                        "The body nests deeper than " + std::to_string(max_json_depth_) +
                            " levels (see --http_max_json_depth)");
  }
  std::lock_guard lock(write_mu_);  // a PUT reads, merges and writes
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return ReplyMessage(res, 400, "The body is not valid JSON");
  json app;
  std::optional<AppId> app_id;
  try {
    if (id) {
      app_id = AppId::Parse(*id);
    } else if (body.is_object() && body.contains("id") && body["id"].is_string()) {
      app_id = AppId::Parse(body["id"].get<std::string>());
    } else {
      return ReplyMessage(res, 422, "The app needs an \"id\"");
    }
    // PUT on an existing app updates the fields it names, as Marathon's does.
    std::optional<json> current = create_only ? std::nullopt : apps_.Get(*app_id);
    app = NormalizeApp(
        current ? ApplyAppUpdate(std::move(*current), std::move(body)) : std::move(body), *app_id);
  } catch (const Error& e) {
    return ReplyMessage(res, 422, e.what());
  }
  bool created = false;
  switch (apps_.Store(*app_id, app, create_only, fence, &created)) {
    case AppRepository::Write::kExists:
      return ReplyMessage(res, 409, "An app with id [" + app_id->path() + "] already exists.");
    case AppRepository::Write::kNotLeader:
      return NotLeader(res);
    case AppRepository::Write::kTooLarge:
      return ReplyMessage(res, 413,
                          "The app definition is larger than " +
                              std::to_string(AppRepository::kMaxAppBytes) + " bytes");
    default:
      break;
  }
  spdlog::info("app {} {} (version {})", app_id->path(), created ? "created" : "updated",
               app["version"].get<std::string>());
  if (created) {
    res.set_header("Location", "/v2/apps" + app_id->path());
    return Reply(res, 201, app);
  }
  Reply(res, 200, {{"version", app["version"]}, {"app", app}});
}

void AppResource::Show(const httplib::Request& req, httplib::Response& res, const std::string&) {
  std::optional<AppId> id = UrlId(req.matches[1], res);
  if (!id) return;
  std::optional<json> app = apps_.Get(*id);
  if (!app) return NoSuchApp(res, id->path());
  Reply(res, 200, {{"app", *app}});
}

void AppResource::Remove(const httplib::Request& req, httplib::Response& res,
                         const std::string& fence) {
  std::optional<AppId> id = UrlId(req.matches[1], res);
  if (!id) return;
  switch (apps_.Delete(*id, fence)) {
    case AppRepository::Write::kNotFound:
      return NoSuchApp(res, id->path());
    case AppRepository::Write::kNotLeader:
      return NotLeader(res);
    default:
      break;
  }
  spdlog::info("app {} deleted", id->path());
  ReplyMessage(res, 200, "App '" + id->path() + "' deleted");
}

void AppResource::ListVersions(const httplib::Request& req, httplib::Response& res,
                               const std::string&) {
  std::optional<AppId> id = UrlId(req.matches[1], res);
  if (!id) return;
  auto versions = apps_.Versions(*id);
  if (!versions) return NoSuchApp(res, id->path());
  Reply(res, 200, {{"versions", *versions}});
}

void AppResource::ShowVersion(const httplib::Request& req, httplib::Response& res,
                              const std::string&) {
  std::optional<AppId> id = UrlId(req.matches[1], res);
  if (!id) return;
  std::optional<json> app = apps_.GetVersion(*id, req.matches[2]);
  if (!app) {
    return ReplyMessage(res, 404,
                        "App '" + id->path() + "' has no version " + std::string(req.matches[2]));
  }
  Reply(res, 200, *app);
}

}  // namespace baton::server
