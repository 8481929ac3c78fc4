// baton verify and baton inspect: read a backup without
// touching ZooKeeper.
#include <spdlog/fmt/fmt.h>

#include <nlohmann/json.hpp>

#include "baton/inspect.h"
#include "cli/commands.h"
#include "cli/latest_flag.h"
#include "cli/validation_flags.h"
#include "util/printable.h"

namespace baton::cli {
namespace {

using nlohmann::json;

// A manifest field as text safe for a terminal: the backup may be hostile.
std::string Field(const json& value) { return util::Printable(value.get<std::string>()); }

json ToJson(const BackupSummary& s) {
  json categories = json::object();
  for (const auto& [name, c] : s.categories) {
    categories[name] = {{"items", c.items}, {"versions", c.versions}, {"bytes", c.bytes}};
  }
  return {
      {"location", s.location},
      {"valid", true},
      {"format", ArchiveFormatName(s.format)},
      {"layout", s.layout},
      {"manifest", s.manifest_json.empty() ? json() : json::parse(s.manifest_json)},
      {"storage_version", s.storage_version ? json(*s.storage_version) : json()},
      {"items", s.items},
      {"versions", s.versions},
      {"bytes", s.bytes},
      {"archive_bytes", s.archive_bytes},
      {"categories", categories},
  };
}

// baton verify's one line.
std::string VerifyText(const BackupSummary& s) {
  return fmt::format("OK {}: {} format, {} items, {} versions, {} bytes{}", s.location,
                     ArchiveFormatName(s.format), s.items, s.versions, s.bytes,
                     s.format == ArchiveFormat::kBaton ? ", checksums verified" : "");
}

// The manifest's fields, for baton inspect.
std::string ManifestText(const BackupSummary& s) {
  if (s.format != ArchiveFormat::kBaton) {
    return "format           marathon (plain tar: structure checked, no checksums)\n";
  }
  json m = json::parse(s.manifest_json);
  std::string text = "format           baton (every checksum and the manifest verified)\n";
  text += fmt::format("written by       {} at {}\n", Field(m["tool"]), Field(m["created"]));
  text += fmt::format("source           zk://{}{}\n", Field(m["source"]["zk_hosts"]),
                      Field(m["source"]["zk_path"]));
  if (!m["zxid"]["end"].is_null()) {
    text += fmt::format("zxid window      0x{:x} .. 0x{:x}\n",
                        static_cast<uint64_t>(m["zxid"]["start"].get<int64_t>()),
                        static_cast<uint64_t>(m["zxid"]["end"].get<int64_t>()));
  }
  if (m.contains("ephemerals")) {
    std::string excluded;
    for (const json& glob : m["excluded"]) excluded += " " + Field(glob);
    text += fmt::format("left out         {} ephemeral nodes, {} unreadable; excluded:{}\n",
                        m["ephemerals"].get<uint64_t>(), m.value("unreadable", uint64_t{0}),
                        excluded.empty() ? " none" : excluded);
  }
  return text + fmt::format("compression      {}\n", Field(m["compression"]));
}

std::string InspectText(const BackupSummary& s) {
  std::string text = fmt::format("backup           {}\n", s.location) + ManifestText(s);
  text += fmt::format("layout           {}\n", s.layout);
  text += fmt::format("storage version  {}\n", s.storage_version.value_or("none"));
  text += fmt::format("contents         {} items, {} versions, {} bytes of data ({} bytes read)",
                      s.items, s.versions, s.bytes, s.archive_bytes);
  if (s.categories.empty()) return text;
  text += fmt::format("\n\n{:<28} {:>10} {:>10} {:>14}", "category", "items", "versions", "bytes");
  for (const auto& [name, c] : s.categories) {
    text += fmt::format("\n{:<28} {:>10} {:>10} {:>14}", name, c.items, c.versions, c.bytes);
  }
  return text;
}

struct InspectFlags {
  std::string location;
  ValidationOptions validation;
  LatestFlag latest;
  OutputFlags output;
};

void AddInspectFlags(CLI::App& cmd, InspectFlags& flags) {
  cmd.add_option("location,--backup_location", flags.location,
                 "The backup, e.g. file:///var/backups/marathon.tar or s3://bucket/key")
      ->required();
  flags.latest.AddTo(cmd);
  AddValidationFlags(cmd, flags.validation);
}

// verify and inspect: the same work, another text.
template <std::string (*Text)(const BackupSummary&)>
Result RunInspect(InspectFlags& flags, const CLI::App&) {
  CheckValidationFlags(flags.validation);
  flags.latest.Resolve(flags.location);
  BackupSummary s = Inspect(flags.location, flags.validation);
  return {ToJson(s), Text(s)};
}

}  // namespace

Command AddVerifyCommand(CLI::App& app) {
  CommandHelp help{
      "verify",
      "Check a whole backup as a restore would, without touching ZooKeeper (exit 0: restorable)",
      "Examples:\n"
      "  baton verify file:///var/backups/marathon.tar\n"
      "\nChecks the tar structure (truncation, corruption), every entry's SHA-256 and the\n"
      "manifest (Baton's format), entry names, timestamps, node sizes, ACLs, and that there are\n"
      "entries and a storage version: what a restore checks before it touches anything."};
  return AddResultCommand(app, help, AddInspectFlags, RunInspect<VerifyText>);
}

Command AddInspectCommand(CLI::App& app) {
  CommandHelp help{
      "inspect",
      "Show what a backup holds: manifest, storage version, categories, counts and sizes",
      "Examples:\n"
      "  baton inspect file:///var/backups/marathon.tar\n"
      "  baton inspect --json --latest 's3://backups/zk/?region=eu-central-1'\n"
      "\nThe whole backup is read and verified as by baton verify."};
  return AddResultCommand(app, help, AddInspectFlags, RunInspect<InspectText>);
}

}  // namespace baton::cli
