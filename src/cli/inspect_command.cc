// baton verify and baton inspect (alias list): read a backup without
// touching ZooKeeper.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "baton/inspect.h"
#include "cli/commands.h"
#include "cli/validation_flags.h"
#include "util/printable.h"

namespace baton::cli {
namespace {

using nlohmann::json;

std::string FormatName(const BackupSummary& s) {
  return s.format == ArchiveFormat::kBaton ? "baton" : "marathon";
}

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
      {"format", FormatName(s)},
      {"manifest", s.manifest_json.empty() ? json() : json::parse(s.manifest_json)},
      {"storage_version", s.storage_version ? json(*s.storage_version) : json()},
      {"items", s.items},
      {"versions", s.versions},
      {"bytes", s.bytes},
      {"archive_bytes", s.archive_bytes},
      {"categories", categories},
  };
}

void PrintText(const BackupSummary& s) {
  std::printf("backup           %s\n", s.location.c_str());
  if (s.format == ArchiveFormat::kBaton) {
    json m = json::parse(s.manifest_json);
    std::printf("format           baton (every checksum and the manifest verified)\n");
    std::printf("written by       %s at %s\n", Field(m["tool"]).c_str(),
                Field(m["created"]).c_str());
    std::printf("source           zk://%s%s\n", Field(m["source"]["zk_hosts"]).c_str(),
                Field(m["source"]["zk_path"]).c_str());
    if (!m["zxid"]["end"].is_null()) {
      std::printf("zxid window      0x%llx .. 0x%llx\n",
                  static_cast<unsigned long long>(m["zxid"]["start"].get<int64_t>()),
                  static_cast<unsigned long long>(m["zxid"]["end"].get<int64_t>()));
    }
    std::printf("compression      %s\n", Field(m["compression"]).c_str());
  } else {
    std::printf("format           marathon (plain tar: structure checked, no checksums)\n");
  }
  std::printf("storage version  %s\n", s.storage_version ? s.storage_version->c_str() : "none");
  std::printf("contents         %llu items, %llu versions, %llu bytes of data (%llu bytes read)\n",
              static_cast<unsigned long long>(s.items), static_cast<unsigned long long>(s.versions),
              static_cast<unsigned long long>(s.bytes),
              static_cast<unsigned long long>(s.archive_bytes));
  if (s.categories.empty()) return;
  std::printf("\n%-28s %10s %10s %14s\n", "category", "items", "versions", "bytes");
  for (const auto& [name, c] : s.categories) {
    std::printf(
        "%-28s %10llu %10llu %14llu\n", name.c_str(), static_cast<unsigned long long>(c.items),
        static_cast<unsigned long long>(c.versions), static_cast<unsigned long long>(c.bytes));
  }
}

struct Flags {
  std::string location;
  bool json = false;
  ValidationOptions validation;
};

CLI::App* AddLocationCommand(CLI::App& app, const char* name, const char* description,
                             Flags& flags) {
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->add_option("location,--backup_location", flags.location,
                  "The backup, e.g. file:///var/backups/marathon.tar or s3://bucket/key")
      ->required();
  cmd->add_flag("--json", flags.json, "Print the result as one JSON object");
  AddValidationFlags(*cmd, flags.validation);
  return cmd;
}

}  // namespace

Command AddVerifyCommand(CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = AddLocationCommand(
      app, "verify",
      "Check a whole backup as a restore would, without touching ZooKeeper (exit 0: restorable)",
      *flags);
  cmd->footer(
      "Examples:\n"
      "  baton verify file:///var/backups/marathon.tar\n"
      "\nChecks the tar structure (truncation, corruption), every entry's SHA-256 and the\n"
      "manifest (Baton's format), entry names, timestamps, node sizes, ACLs, and that there are\n"
      "entries and a storage version: what a restore checks before it touches anything.");
  return {cmd, [flags] {
            CheckValidationFlags(flags->validation);
            BackupSummary s = Inspect(flags->location, flags->validation);
            if (flags->json) {
              std::printf("%s\n", ToJson(s).dump().c_str());
              return;
            }
            std::printf("OK %s: %s format, %llu items, %llu versions, %llu bytes%s\n",
                        s.location.c_str(), FormatName(s).c_str(),
                        static_cast<unsigned long long>(s.items),
                        static_cast<unsigned long long>(s.versions),
                        static_cast<unsigned long long>(s.bytes),
                        s.format == ArchiveFormat::kBaton ? ", checksums verified" : "");
          }};
}

Command AddInspectCommand(CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = AddLocationCommand(
      app, "inspect",
      "Show what a backup holds: manifest, storage version, categories, counts and sizes", *flags);
  cmd->alias("list");
  cmd->footer(
      "Examples:\n"
      "  baton inspect file:///var/backups/marathon.tar\n"
      "  baton list --json 's3://backups/marathon.tar?region=eu-central-1'\n"
      "\nThe whole backup is read and verified as by baton verify.");
  return {cmd, [flags] {
            CheckValidationFlags(flags->validation);
            BackupSummary s = Inspect(flags->location, flags->validation);
            if (flags->json) {
              std::printf("%s\n", ToJson(s).dump(2).c_str());
            } else {
              PrintText(s);
            }
          }};
}

}  // namespace baton::cli
