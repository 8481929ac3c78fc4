#include "server/app_definition.h"

#include <algorithm>

#include "baton/error.h"

namespace baton::server {
namespace {

using nlohmann::json;

bool IsSegmentChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Marathon's PathId segment: [a-z0-9] at both ends, '-' and '.' inside.
bool IsValidSegment(std::string_view s) {
  if (s.empty() || !IsSegmentChar(s.front()) || !IsSegmentChar(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsSegmentChar(c) || c == '-' || c == '.'; });
}

void RequireNumber(const json& object, const char* field, double minimum) {
  if (!object.contains(field)) return;
  const json& v = object[field];
  if (!v.is_number() || v.get<double>() < minimum) {
    throw Error(std::string("\"") + field +
                "\" must be a number >= " + std::to_string(static_cast<int>(minimum)));
  }
}

}  // namespace

AppId AppId::Parse(std::string_view text) {
  // GCC 12 at -O3 warns (-Wrestrict, falsely) on "literal" + std::string&&.
  std::string path = text.starts_with('/') ? std::string(text) : std::string("/").append(text);
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  bool valid = path.size() > 1;
  std::string_view last;
  for (size_t start = 1; valid && start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    last = std::string_view(path).substr(start, end - start);
    valid = IsValidSegment(last);
    start = end + 1;
  }
  // ".../versions" would read as the versions endpoint.
  if (!valid || last == "versions") {
    throw Error("invalid app id '" + std::string(text) +
                "': use segments of a-z, 0-9, '-' and '.', starting and ending with a letter or "
                "digit, separated by '/' (the last one not 'versions')");
  }
  AppId id;
  id.path_ = std::move(path);
  return id;
}

AppId AppId::FromStorageId(std::string_view stored) {
  std::string path(stored);
  std::replace(path.begin(), path.end(), '_', '/');
  return Parse(path);
}

std::string AppId::StorageId() const {
  std::string stored = path_;
  std::replace(stored.begin(), stored.end(), '/', '_');
  return stored;
}

void UpgradePortsToPortDefinitions(json& app) {
  if (!app.contains("ports")) return;
  json ports = app["ports"];
  app.erase("ports");
  if (app.contains("portDefinitions"))
    throw Error("give \"ports\" or \"portDefinitions\", not both");
  if (!ports.is_array()) throw Error("\"ports\" must be an array of port numbers");
  json definitions = json::array();
  for (const json& port : ports) {
    if (!port.is_number_integer()) throw Error("\"ports\" must be an array of port numbers");
    definitions.push_back({{"port", port}, {"protocol", "tcp"}});
  }
  app["portDefinitions"] = std::move(definitions);
}

void UpgradeGroupResources(json& app) {
  json resources = app.contains("resources") ? app["resources"] : json::object();
  if (!resources.is_object()) throw Error("\"resources\" must be an object");
  for (const char* field : {"cpus", "mem", "disk"}) {
    if (!app.contains(field)) continue;
    if (resources.contains(field)) {
      throw Error(std::string("\"") + field + "\" is given both alone and in \"resources\"");
    }
    resources[field] = app[field];
    app.erase(field);
  }
  if (!resources.empty() || app.contains("resources")) app["resources"] = std::move(resources);
}

json NormalizeApp(json app, const AppId& id) {
  if (!app.is_object()) throw Error("an app definition must be a JSON object");
  if (app.contains("id")) {
    if (!app["id"].is_string() || AppId::Parse(app["id"].get<std::string>()).path() != id.path()) {
      throw Error("the body's \"id\" does not match the app id " + id.path());
    }
  }
  app["id"] = id.path();
  app.erase("version");  // the store sets it
  UpgradePortsToPortDefinitions(app);
  UpgradeGroupResources(app);

  if (app.contains("cmd") && !app["cmd"].is_string()) throw Error("\"cmd\" must be a string");
  if (!app.contains("instances")) app["instances"] = 1;
  if (!app["instances"].is_number_integer() || app["instances"].get<int64_t>() < 0) {
    throw Error("\"instances\" must be an integer >= 0");
  }
  json& resources = app["resources"];
  if (!resources.is_object()) resources = json::object();
  for (auto [field, fallback] : {std::pair{"cpus", 1.0}, {"mem", 128.0}, {"disk", 0.0}}) {
    RequireNumber(resources, field, 0);
    if (!resources.contains(field)) resources[field] = fallback;
  }
  if (app.contains("portDefinitions")) {
    const json& definitions = app["portDefinitions"];
    bool valid = definitions.is_array();
    for (const json& d : valid ? definitions : json::array()) {
      valid = valid && d.is_object() && d.contains("port") && d["port"].is_number_integer() &&
              d["port"].get<int64_t>() >= 0 && d["port"].get<int64_t>() <= 65535;
    }
    if (!valid) throw Error("\"portDefinitions\" must be a list of {\"port\": 0..65535}");
  }
  return app;
}

json ApplyAppUpdate(json current, json update) {
  if (!update.is_object()) throw Error("an app definition must be a JSON object");
  UpgradePortsToPortDefinitions(update);
  UpgradeGroupResources(update);
  current.erase("version");
  for (auto& [field, value] : update.items()) {
    if (field == "resources" && value.is_object() && current["resources"].is_object()) {
      current["resources"].update(value);
    } else {
      current[field] = value;
    }
  }
  return current;
}

bool JsonNestsDeeperThan(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace baton::server
