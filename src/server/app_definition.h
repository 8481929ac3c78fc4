// The apps that baton serve keeps, so that its backups hold real state: a
// small Marathon-style app definition (JSON), its path id, and the field
// layouts it has had. Each storage version of the store fixes one layout:
//   1.0.0  {"id", "cmd", "instances", "cpus", "mem", "disk", "ports": [80]}
//   1.1.0  "ports" became "portDefinitions": [{"port": 80, "protocol": "tcp"}]
//   1.2.0  "cpus", "mem", "disk" moved into "resources": {...}   (current)
// The upgrade functions are the migration steps' work on one app, and also
// let the API accept a definition written in an older layout.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace baton::server {

// An app's path id, e.g. "/prod/web": segments of lower-case letters, digits
// and inner '-' or '.', as Marathon's PathId.
class AppId {
 public:
  // Accepts "prod/web" or "/prod/web"; throws baton::Error naming the id when
  // it is not a valid path id.
  static AppId Parse(std::string_view text);
  // From the stored id, where '/' is written '_' ("_prod_web").
  static AppId FromStorageId(std::string_view stored);

  const std::string& path() const { return path_; }
  // The id Marathon's layout stores: '/' replaced by '_'.
  std::string StorageId() const;

 private:
  std::string path_;
};

// 1.0.0 -> 1.1.0: "ports": [p, ...] -> "portDefinitions": [{"port": p, "protocol": "tcp"}].
void UpgradePortsToPortDefinitions(nlohmann::json& app);
// 1.1.0 -> 1.2.0: top-level "cpus", "mem", "disk" -> "resources": {...}.
void UpgradeGroupResources(nlohmann::json& app);

// Checks a definition given to the API and brings it to the current layout:
// upgrades older layouts, fills defaults (instances 1, cpus 1, mem 128,
// disk 0), and sets "id" to `id` (a different "id" in the body is refused).
// Throws baton::Error saying which field is wrong.
nlohmann::json NormalizeApp(nlohmann::json app, const AppId& id);

// Whether the JSON `text` nests arrays and objects deeper than `limit`,
// judged without parsing it (brackets inside strings do not count): nlohmann
// recurses when it prints or copies a value, so a body of 400,000 '[' would
// overflow the stack.
bool JsonNestsDeeperThan(std::string_view text, size_t limit);
// Stored definitions nested deeper are not read (a crafted backup could
// restore one): printing or copying them would recurse that deep.
inline constexpr size_t kMaxStoredJsonDepth = 512;

// An update as PUT gives it, applied to the stored definition: the fields it
// names replace the stored ones ("resources" field by field), the others
// stay. The result still needs NormalizeApp. Throws baton::Error.
nlohmann::json ApplyAppUpdate(nlohmann::json current, nlohmann::json update);

}  // namespace baton::server
