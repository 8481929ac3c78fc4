#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "baton/catalogue.h"

namespace baton {
namespace {

using nlohmann::json;

constexpr int kRecordVersion = 1;

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseUtcText(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return std::nullopt;
  }
  // Within what the clock holds (nanoseconds from 1970 reach 2262), and a
  // real date: anything else is no time Baton wrote.
  if (tm.tm_year < 1970 || tm.tm_year > 2261 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_hour < 0 ||
      tm.tm_min < 0 || tm.tm_sec < 0 || millis < 0) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

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
  return ParseUtcText(extended);
}

}  // namespace baton
