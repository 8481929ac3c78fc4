// baton diff: what a restore of a backup would change.
#include <spdlog/fmt/fmt.h>

#include <nlohmann/json.hpp>

#include "baton/diff.h"
#include "baton/error.h"
#include "cli/commands.h"
#include "cli/latest_flag.h"

namespace baton::cli {
namespace {

using nlohmann::json;

json ToJson(const ChangeCounts& c) {
  return {{"added", c.added}, {"removed", c.removed}, {"changed", c.changed}, {"same", c.same}};
}

json ToJson(const BackupDiff& diff) {
  json categories = json::object();
  for (const auto& [name, c] : diff.categories) {
    categories[name] = {
        {"items", ToJson(c.items)}, {"versions", ToJson(c.versions)}, {"examples", c.examples}};
  }
  return {{"identical", diff.identical()}, {"categories", categories}};
}

// A table of counts per category, then the examples.
std::string Text(const BackupDiff& diff) {
  if (diff.identical()) return "no differences: a restore would change nothing";
  auto cell = [](const ChangeCounts& n) {
    return fmt::format("{}/{}/{}", n.added, n.removed, n.changed);
  };
  std::string text =
      fmt::format("{:<26} {:>22} {:>22}", "category", "items +/-/~", "versions +/-/~");
  for (const auto& [name, c] : diff.categories) {
    text += fmt::format("\n{:<26} {:>22} {:>22}", name, cell(c.items), cell(c.versions));
  }
  for (const auto& [name, c] : diff.categories) {
    for (const std::string& example : c.examples) text += "\n" + example;
  }
  return text;
}

struct DiffFlags {
  std::string location;
  ZkFlags zk;
  ZkTimeouts timeouts;
  size_t limit = kDiffExamples;
  bool exit_code = false;
  LatestFlag latest;
  OutputFlags output;
};

void AddDiffFlags(CLI::App& cmd, DiffFlags& flags) {
  cmd.add_option("location,--backup_location", flags.location, "The backup")->required();
  flags.latest.AddTo(cmd);
  flags.zk.AddTo(cmd, flags.timeouts);
  cmd.add_option("--limit", flags.limit, "Entry names to show per category")->capture_default_str();
  cmd.add_flag("--exit_code", flags.exit_code,
               "Exit with 4 when a restore would change something (as git diff --exit-code)");
}

Result RunDiff(DiffFlags& flags, const CLI::App&) {
  flags.latest.Resolve(flags.location, flags.zk.url().path);
  BackupDiff diff = DiffBackup(flags.location, flags.zk.url(), flags.timeouts, flags.limit);
  return {ToJson(diff), Text(diff), flags.exit_code && !diff.identical() ? kExitDiffers : 0};
}

}  // namespace

Command AddDiffCommand(CLI::App& app) {
  CommandHelp help{
      "diff", "Show what restoring a backup would change, without writing",
      "Examples:\n"
      "  baton diff file:///var/backups/marathon.tar --zk zk://zk1:2181/marathon\n"
      "\n+ the restore creates it, - the restore deletes it, ~ the restore changes it."};
  return AddResultCommand(app, help, AddDiffFlags, RunDiff);
}

}  // namespace baton::cli
