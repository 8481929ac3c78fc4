// baton list and baton prune: the backups under a directory or S3 prefix.
#include <spdlog/fmt/fmt.h>

#include <nlohmann/json.hpp>

#include "baton/catalogue.h"
#include "baton/error.h"
#include "baton/prune.h"
#include "cli/commands.h"
#include "cli/retention_flags.h"
#include "util/printable.h"

namespace baton::cli {
namespace {

using nlohmann::json;

constexpr char kPrefixHelp[] =
    "A directory or S3 prefix holding backups, e.g. file:///var/backups/zk or "
    "s3://bucket/zk/, or the backups' location with {timestamp} (its directory)";

std::string TimeText(const CatalogueEntry& e) {
  if (e.record) return util::Printable(e.record->created);
  return e.time ? "(from its name)" : "unknown";
}

json ToJson(const CatalogueEntry& e) {
  json j = {{"name", util::Printable(e.name)},
            {"size", e.size},
            {"recorded", e.record.has_value()},
            {"valid", e.valid()},
            {"problem", e.problem.empty() ? json() : json(e.problem)},
            {"verified", e.verified}};
  if (e.record) {
    const CatalogueRecord& r = *e.record;
    j.update({{"created", r.created},
              {"source", "zk://" + r.zk_hosts + r.zk_path},
              {"layout", r.layout},
              {"zxid", r.zxid},
              {"entries", r.items + r.versions},
              {"bytes", r.bytes},
              {"format", r.format},
              {"compression", r.compression},
              {"sha256", r.archive_sha256}});
  }
  return j;
}

std::string Line(const CatalogueEntry& e) {
  if (!e.record) {
    return fmt::format("{:<26} {:>12}  {}  (no record: {})", TimeText(e), e.size,
                       util::Printable(e.name),
                       e.problem.empty() ? "not written by Baton, or "
                                           "before it kept records"
                                         : e.problem);
  }
  const CatalogueRecord& r = *e.record;
  std::string state = !e.problem.empty() ? "BAD: " + e.problem : e.verified ? "verified" : "ok";
  return fmt::format("{:<26} {:>12}  {}  {} {}/{} zxid 0x{:x} {} entries zk://{}{}  {}",
                     TimeText(e), e.size, util::Printable(e.name), util::Printable(r.layout),
                     util::Printable(r.format), util::Printable(r.compression),
                     static_cast<uint64_t>(r.zxid), r.items + r.versions,
                     util::Printable(r.zk_hosts), util::Printable(r.zk_path), state);
}

struct ListFlags {
  std::string prefix;
  bool verify = false;
  OutputFlags output;
};

void AddListFlags(CLI::App& cmd, ListFlags& flags) {
  cmd.add_option("prefix,--backup_location", flags.prefix, kPrefixHelp)->required();
  cmd.add_flag("--verify", flags.verify,
               "Read each recorded backup whole and compare it with its record's SHA-256");
}

Result RunList(ListFlags& flags, const CLI::App&) {
  std::vector<CatalogueEntry> entries = ListBackups(flags.prefix, flags.verify);
  json list = json::array();
  std::string text = entries.empty() ? "no backups" : "";
  bool bad = false;
  for (const CatalogueEntry& e : entries) {
    list.push_back(ToJson(e));
    text += (text.empty() ? "" : "\n") + Line(e);
    bad = bad || (e.record && !e.problem.empty());
  }
  if (bad && flags.verify) {
    throw Error("some backups do not match their records:\n" + text, ErrorKind::kCorruptBackup);
  }
  return {{{"backups", list}}, text};
}

struct PruneFlags {
  PruneOptions options;
  OutputFlags output;
};

void AddPruneFlags(CLI::App& cmd, PruneFlags& flags) {
  PruneOptions& o = flags.options;
  cmd.add_option("prefix,--backup_location", o.prefix, kPrefixHelp)->required();
  AddRetentionFlags(cmd, o.policy);
  cmd.add_flag("--dry-run,--dry_run", o.dry_run, "Say what would be deleted; delete nothing");
}

Result RunPrune(PruneFlags& flags, const CLI::App&) {
  PruneResult result = Prune(flags.options);
  json decisions = json::array();
  std::string text;
  const char* gone = flags.options.dry_run ? "would delete" : "deleted";
  for (const PruneDecision& d : result.decisions) {
    const std::string why = fmt::format("{}", fmt::join(d.reasons, ", "));
    json j = ToJson(d.backup);
    j["kept"] = !d.reasons.empty();
    j["reasons"] = d.reasons;
    decisions.push_back(j);
    text += fmt::format("{:<12} {}  {}\n", d.reasons.empty() ? gone : "keep",
                        util::Printable(d.backup.name), why);
  }
  for (const CatalogueEntry& e : result.damaged) {
    text += fmt::format("{:<12} {}  damaged ({}): not counted, not deleted\n", "leave",
                        util::Printable(e.name), e.problem);
  }
  for (const CatalogueEntry& e : result.unrecorded) {
    text += fmt::format("{:<12} {}  no record: not Baton's to delete\n", "leave",
                        util::Printable(e.name));
  }
  text +=
      fmt::format("{} {} of {} recorded backups", gone, result.deleted, result.decisions.size());
  return {{{"dry_run", flags.options.dry_run},
           {"deleted", result.deleted},
           {"backups", decisions},
           {"unrecorded", result.unrecorded.size()},
           {"damaged", result.damaged.size()}},
          text};
}

}  // namespace

Command AddListCommand(CLI::App& app) {
  CommandHelp help{
      "list", "List the backups under a directory or S3 prefix, newest first, from their records",
      "Examples:\n"
      "  baton list file:///var/backups/zk\n"
      "  baton list --json --verify 's3://backups/zk/?region=eu-central-1'\n"
      "\nBaton writes a record beside each backup (NAME.manifest.json): listing reads those and\n"
      "downloads no backup, unless --verify. Backups without one are listed by name and size."};
  return AddResultCommand(app, help, AddListFlags, RunList);
}

Command AddPruneCommand(CLI::App& app) {
  CommandHelp help{
      "prune", "Delete the backups a retention policy does not keep (restic's --keep-* semantics)",
      "Examples:\n"
      "  baton prune file:///var/backups/zk --keep_last 3 --keep_daily 7 --keep_weekly 4\n"
      "  baton prune 's3://backups/zk/' --keep_hourly 24 --dry-run\n"
      "\nOnly valid backups Baton wrote (with a record beside them) are counted and deleted, with\n"
      "their records. Each source (ensemble, path, layout) is its own series and keeps its newest\n"
      "backup; damaged backups and anything else under the prefix are left alone."};
  return AddResultCommand(app, help, AddPruneFlags, RunPrune);
}

}  // namespace baton::cli
