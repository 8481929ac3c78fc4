#include "archive/manifest.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "baton/error.h"

namespace baton::archive {
namespace {

using nlohmann::json;

// 2: the manifest names the layout; a tree backup is written as 2, so a
// Baton that knows only Marathon's layout refuses it.
constexpr int kNewestFormat = 2;

}  // namespace

std::string Manifest::ToJson() const {
  json j = {
      {"format", "baton"},
      {"format_version", format_version},
      {"tool", tool},
      {"layout", layout},
      {"created", created},
      {"source", {{"zk_hosts", zk_hosts}, {"zk_path", zk_path}}},
      {"zxid",
       {{"start", zxid_start ? json(*zxid_start) : json()},
        {"end", zxid_end ? json(*zxid_end) : json()}}},
      {"storage_version", storage_version ? json(*storage_version) : json()},
      {"compression", compression},
      {"acls", acls},
      {"entries", entries},
      {"items", items},
      {"versions", versions},
      {"bytes", bytes},
      {"entries_sha256", entries_sha256},
  };
  if (layout != "marathon") {
    j["ephemerals"] = ephemerals;
    j["excluded"] = excluded;
    j["unreadable"] = unreadable;
  }
  return j.dump(2) + "\n";
}

namespace {

// An integer field as a T. json's get<T>() of a float or of a number out of
// T's range is undefined behaviour (a static_cast), so both are refused.
template <typename T>
T Integer(const json& value, const char* name) {
  if (value.is_number_unsigned() && std::in_range<T>(value.get<uint64_t>())) {
    return static_cast<T>(value.get<uint64_t>());
  }
  if (value.is_number_integer() && !value.is_number_unsigned() &&
      std::in_range<T>(value.get<int64_t>())) {
    return static_cast<T>(value.get<int64_t>());
  }
  throw Error(std::string("the backup's manifest is incomplete: ") + name +
                  " is not a whole number in range",
              ErrorKind::kCorruptBackup);
}

template <typename T>
T OptionalInteger(const json& j, const char* name, T absent) {
  return j.contains(name) ? Integer<T>(j.at(name), name) : absent;
}

}  // namespace

Manifest Manifest::FromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Checked by type: json::value() throws type_error on a non-string "format".
  const auto format = j.is_object() ? j.find("format") : j.end();
  if (format == j.end() || !format->is_string() || *format != "baton") {
    throw Error("the backup's manifest is not a Baton manifest", ErrorKind::kCorruptBackup);
  }
  try {
    Manifest m;
    m.format_version = Integer<int>(j.at("format_version"), "format_version");
    if (m.format_version > kNewestFormat) {
      throw Error("the backup was written in format version " + std::to_string(m.format_version) +
                      ", newer than this build reads (" + std::to_string(kNewestFormat) + ")",
                  ErrorKind::kCorruptBackup);
    }
    m.tool = j.at("tool").get<std::string>();
    m.layout = j.value("layout", "marathon");
    m.created = j.at("created").get<std::string>();
    m.zk_hosts = j.at("source").at("zk_hosts").get<std::string>();
    m.zk_path = j.at("source").at("zk_path").get<std::string>();
    const json& zxid = j.at("zxid");
    if (!zxid.at("start").is_null()) m.zxid_start = Integer<int64_t>(zxid.at("start"), "start");
    if (!zxid.at("end").is_null()) m.zxid_end = Integer<int64_t>(zxid.at("end"), "end");
    if (!j.at("storage_version").is_null()) {
      m.storage_version = j.at("storage_version").get<std::string>();
    }
    m.compression = j.at("compression").get<std::string>();
    m.acls = j.value("acls", false);
    m.entries = Integer<uint64_t>(j.at("entries"), "entries");
    m.items = Integer<uint64_t>(j.at("items"), "items");
    m.versions = Integer<uint64_t>(j.at("versions"), "versions");
    m.bytes = Integer<uint64_t>(j.at("bytes"), "bytes");
    m.entries_sha256 = j.at("entries_sha256").get<std::string>();
    m.ephemerals = OptionalInteger<uint64_t>(j, "ephemerals", 0);
    m.excluded = j.value("excluded", std::vector<std::string>{});
    m.unreadable = OptionalInteger<uint64_t>(j, "unreadable", 0);
    return m;
  } catch (const json::exception& e) {
    throw Error(std::string("the backup's manifest is incomplete: ") + e.what(),
                ErrorKind::kCorruptBackup);
  }
}

}  // namespace baton::archive
