// The app API, a small part of Marathon's /v2/apps:
//   GET    /v2/apps                           {"apps": [...]}
//   POST   /v2/apps                           201 with the app; 409 if it exists
//   GET    /v2/apps/{id}                      {"app": {...}}
//   PUT    /v2/apps/{id}                      create (201) or update (200)
//   DELETE /v2/apps/{id}                      the app and all its versions
//   GET    /v2/apps/{id}/versions             {"versions": [newest first]}
//   GET    /v2/apps/{id}/versions/{version}   the app as it was
// Every request is answered by the serving leader; others forward it there.
#pragma once

#include <httplib.h>

#include <mutex>

#include "server/app_repository.h"
#include "server/leader_proxy.h"

namespace baton::server {

// Each handler gets the fence of the leader's term, which writes check.
//
// Thread safety: its handlers run on any number of HTTP workers at once;
// writes take write_mu_, since a PUT reads, merges and writes.
class AppResource {
 public:
  // Bodies nested deeper than `max_json_depth` are refused before parsing.
  AppResource(AppRepository& apps, LeaderProxy& proxy, size_t max_json_depth);
  void Register(httplib::Server& http);

 private:
  void List(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void Create(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void Show(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void Replace(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void Remove(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void ListVersions(const httplib::Request& req, httplib::Response& res, const std::string& fence);
  void ShowVersion(const httplib::Request& req, httplib::Response& res, const std::string& fence);

  // Validates and stores a body for `id` (null: the body's own "id").
  void Write(const httplib::Request& req, httplib::Response& res, const std::string& fence,
             const std::string* id, bool create_only);

  AppRepository& apps_;
  LeaderProxy& proxy_;
  size_t max_json_depth_;
  std::mutex write_mu_;
};

}  // namespace baton::server
