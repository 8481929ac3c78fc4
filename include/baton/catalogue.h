// The catalogue: what backups a directory or S3 prefix holds, read from the
// small record Baton writes beside each backup it writes
// (NAME.manifest.json), so that listing downloads no backup. `baton list`,
// --latest and `baton prune` are built on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace baton {

// Beside backup NAME: NAME + kCatalogueSuffix.
inline constexpr const char* kCatalogueSuffix = ".manifest.json";

// What Baton recorded of one backup it wrote.
struct CatalogueRecord {
  std::string backup;  // the backup's name in its store
  std::string format;  // "baton" or "marathon"
  uint64_t archive_bytes = 0;
  std::string archive_sha256;  // of the object as stored
  std::string created;         // UTC, ISO 8601
  std::string tool;
  std::string zk_hosts, zk_path, layout, compression;
  int64_t zxid = 0;
  uint64_t items = 0, versions = 0, bytes = 0;  // bytes: node data

  std::string ToJson() const;
  // Empty when `text` is not a record Baton wrote (a foreign object).
  static std::optional<CatalogueRecord> FromJson(const std::string& text);
};

// One backup of a store, as the catalogue sees it.
struct CatalogueEntry {
  std::string name;
  std::string location;  // to open it (secrets included: never printed)
  uint64_t size = 0;
  // The record beside it, if it has one that names it; backups without one
  // (Marathon's own, or written before Baton kept records) are listed from
  // their names and sizes.
  std::optional<CatalogueRecord> record;
  // When it was taken: the record's time, else a {timestamp} in its name.
  std::optional<std::chrono::system_clock::time_point> time;
  // Why it cannot be restored as recorded (size differs, checksum differs);
  // empty if it can as far as is known.
  std::string problem;
  // --verify: its bytes were read and match the record's checksum.
  bool verified = false;

  // Recorded, and nothing known against it: what --latest may pick.
  bool valid() const { return record.has_value() && problem.empty(); }
};

// Every backup under `prefix` (file:///dir or s3://bucket/prefix/; or a
// location template, dir/hourly-{timestamp}.tar: the backups it names), newest
// first; with `verify`, each recorded one is read whole and its checksum
// compared. Objects that are neither backups nor records are left out;
// records whose backup is gone are too.
std::vector<CatalogueEntry> ListBackups(const std::string& prefix, bool verify = false);

// The newest valid backup under `prefix`, of the source path `zk_path` and
// the `layout` where they are given (a prefix may hold several sources').
// Throws baton::Error when there is none.
CatalogueEntry LatestBackup(const std::string& prefix, const std::string& zk_path = "",
                            const std::string& layout = "");

// "2026-11-25T01:17:37.123Z" (a record's time), if it is one.
std::optional<std::chrono::system_clock::time_point> ParseUtcText(const std::string& text);

// The time in a backup's name written by a {timestamp} location
// ("20261125T011737.123Z"), if there is one.
std::optional<std::chrono::system_clock::time_point> TimeInName(const std::string& name);

}  // namespace baton
