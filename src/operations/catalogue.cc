#include "baton/catalogue.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_store.h"
#include "util/digest.h"

namespace baton {
namespace {

using nlohmann::json;

constexpr int kRecordVersion = 1;
constexpr size_t kMaxRecordBytes = 64 << 10;

// What a backup without a record is recognised by: the suffixes of tar
// files Baton and Marathon write.
bool LooksLikeBackup(const std::string& name) {
  for (const char* suffix : {".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

std::optional<std::chrono::system_clock::time_point> ParseUtc(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

// Reads the object whole and compares its SHA-256 with the record's.
std::string Verify(const CatalogueEntry& entry) {
  std::unique_ptr<BackupSource> source = OpenStorage(entry.location)->Open();
  util::Sha256 hash;
  uint64_t bytes = 0;
  std::string buffer(1 << 20, '\0');
  while (size_t n = source->Read(buffer.data(), buffer.size())) {
    hash.Update(std::string_view(buffer.data(), n));
    bytes += n;
  }
  if (bytes != entry.record->archive_bytes) return "its size differs from its record";
  if (hash.HexDigest() != entry.record->archive_sha256)
    return "its checksum differs from its record";
  return "";
}

}  // namespace

std::string CatalogueRecord::ToJson() const {
  json j = {{"baton_catalogue", kRecordVersion},
            {"backup", backup},
            {"format", format},
            {"archive_bytes", archive_bytes},
            {"archive_sha256", archive_sha256},
            {"created", created},
            {"tool", tool},
            {"source", {{"zk_hosts", zk_hosts}, {"zk_path", zk_path}}},
            {"layout", layout},
            {"compression", compression},
            {"zxid", zxid},
            {"items", items},
            {"versions", versions},
            {"bytes", bytes}};
  return j.dump(2) + "\n";
}

std::optional<CatalogueRecord> CatalogueRecord::FromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("baton_catalogue")) return std::nullopt;
  try {
    if (j.at("baton_catalogue").get<int>() > kRecordVersion) return std::nullopt;
    CatalogueRecord r;
    r.backup = j.at("backup").get<std::string>();
    r.format = j.at("format").get<std::string>();
    r.archive_bytes = j.at("archive_bytes").get<uint64_t>();
    r.archive_sha256 = j.at("archive_sha256").get<std::string>();
    r.created = j.at("created").get<std::string>();
    r.tool = j.value("tool", "");
    r.zk_hosts = j.at("source").value("zk_hosts", "");
    r.zk_path = j.at("source").value("zk_path", "");
    r.layout = j.at("layout").get<std::string>();
    r.compression = j.value("compression", "none");
    r.zxid = j.value("zxid", int64_t{0});
    r.items = j.value("items", uint64_t{0});
    r.versions = j.value("versions", uint64_t{0});
    r.bytes = j.value("bytes", uint64_t{0});
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<std::chrono::system_clock::time_point> TimeInName(const std::string& name) {
  static const std::regex kStamp(R"((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.(\d{3}))?Z)");
  std::smatch m;
  if (!std::regex_search(name, m, kStamp)) return std::nullopt;
  std::string extended = m[1].str() + "-" + m[2].str() + "-" + m[3].str() + "T" + m[4].str() + ":" +
                         m[5].str() + ":" + m[6].str() + "." + (m[8].matched ? m[8].str() : "000") +
                         "Z";
  return ParseUtc(extended);
}

std::vector<CatalogueEntry> ListBackups(const std::string& prefix, bool verify) {
  std::unique_ptr<storage::BackupStore> store = storage::OpenStore(prefix);
  std::map<std::string, uint64_t> objects;
  for (storage::StoredObject& object : store->List()) objects[object.name] = object.size;
  std::vector<CatalogueEntry> entries;
  for (const auto& [name, size] : objects) {
    if (name.ends_with(kCatalogueSuffix)) continue;
    const bool recorded = objects.count(name + kCatalogueSuffix) > 0;
    if (!recorded && !LooksLikeBackup(name)) continue;  // not Baton's to list
    CatalogueEntry entry;
    entry.name = name;
    entry.location = store->LocationOf(name);
    entry.size = size;
    if (recorded) {
      entry.record =
          CatalogueRecord::FromJson(store->Read(name + kCatalogueSuffix, kMaxRecordBytes));
      if (entry.record && entry.record->backup != name) entry.record.reset();
      if (!entry.record && !LooksLikeBackup(name)) continue;  // a foreign pair
      if (!entry.record) entry.problem = "its record is not one Baton wrote";
    }
    if (entry.record) {
      entry.time = ParseUtc(entry.record->created);
      if (entry.record->archive_bytes != size) entry.problem = "its size differs from its record";
    }
    if (!entry.time) entry.time = TimeInName(name);
    if (verify && entry.valid()) {
      entry.problem = Verify(entry);
      entry.verified = entry.problem.empty();
    }
    entries.push_back(std::move(entry));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.time != b.time) return a.time > b.time;  // an unknown time sorts last
    return a.name > b.name;
  });
  return entries;
}

CatalogueEntry LatestBackup(const std::string& prefix) {
  std::vector<CatalogueEntry> entries = ListBackups(prefix);
  for (CatalogueEntry& entry : entries) {
    if (entry.valid()) return std::move(entry);
  }
  throw Error("no backup under " + storage::OpenStore(prefix)->Describe() +
                  " has a record Baton wrote beside it (NAME" + kCatalogueSuffix + "); " +
                  std::to_string(entries.size()) +
                  " backup(s) without one: name one with "
                  "--backup_location",
              ErrorKind::kFailed);
}

}  // namespace baton
