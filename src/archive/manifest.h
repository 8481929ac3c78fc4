// The manifest of a backup in Baton's format: the last entry of the archive,
// ".baton/manifest.json". It says where and when the backup was taken, what
// it holds, and a digest over every entry before it, so that a reader can
// tell a complete, intact backup from anything else. Each entry's own
// SHA-256 travels in its tar header (attribute "baton.sha256").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baton::archive {

inline constexpr std::string_view kManifestEntry = ".baton/manifest.json";
inline constexpr std::string_view kSha256Attribute = "baton.sha256";
inline constexpr std::string_view kAclAttribute = "baton.acl";

struct Manifest {
  int format_version = 1;           // 2 for a layout other than Marathon's
  std::string tool;                 // "baton 0.1.0"
  std::string layout = "marathon";  // how the tree maps to entries (layout::Named)
  std::string created;              // UTC, ISO 8601
  std::string zk_hosts;             // as given, without credentials
  std::string zk_path;              // the path of --zk; the state is <zk_path>/state
  // The ZooKeeper transaction ids between which the backup was read; the
  // state it holds is the state at zxid_end.
  std::optional<int64_t> zxid_start, zxid_end;
  std::optional<std::string> storage_version;  // "1.10.100"
  std::string compression = "none";
  // Entries carry their node's ACL unless it is the open one.
  bool acls = false;
  uint64_t entries = 0;   // data entries, manifest excluded
  uint64_t items = 0;     // current values
  uint64_t versions = 0;  // version entries
  uint64_t bytes = 0;     // data bytes
  // Tree layout: ephemeral nodes left out, and the --exclude globs.
  uint64_t ephemerals = 0;
  std::vector<std::string> excluded;
  // Tree layout: nodes left out because the session may not read them
  // (--skip_unreadable), each with its subtree.
  uint64_t unreadable = 0;
  // SHA-256 over "<name>\n<sha256 of data>\n" of every entry, in order.
  std::string entries_sha256;

  std::string ToJson() const;
  // Throws baton::Error (kCorruptBackup) when `json` is not a manifest this
  // build can read.
  static Manifest FromJson(const std::string& json);
};

}  // namespace baton::archive
