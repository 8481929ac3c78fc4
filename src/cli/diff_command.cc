// baton diff: what a restore of a backup would change.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "baton/diff.h"
#include "cli/commands.h"
#include "cli/zk_flags.h"

namespace baton::cli {
namespace {

using nlohmann::json;

json ToJson(const ChangeCounts& c) {
  return {{"added", c.added}, {"removed", c.removed}, {"changed", c.changed}, {"same", c.same}};
}

}  // namespace

Command AddDiffCommand(CLI::App& app) {
  struct Flags {
    ZkFlags zk;
    std::string location;
    bool json = false;
    size_t limit = 10;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      app.add_subcommand("diff", "Show what restoring a backup would change, without writing");
  cmd->add_option("location,--backup_location", flags->location, "The backup")->required();
  flags->zk.AddTo(*cmd);
  cmd->add_flag("--json", flags->json, "Print the result as one JSON object");
  cmd->add_option("--limit", flags->limit, "Entry names to show per category")
      ->capture_default_str();
  cmd->footer(
      "Examples:\n"
      "  baton diff file:///var/backups/marathon.tar --zk zk://zk1:2181/marathon\n"
      "\n+ the restore creates it, - the restore deletes it, ~ the restore changes it.");
  return {
      cmd, [flags] {
        BackupDiff diff =
            DiffBackup(flags->location, flags->zk.url(), flags->zk.timeouts(), flags->limit);
        if (flags->json) {
          json categories = json::object();
          for (const auto& [name, c] : diff.categories) {
            categories[name] = {{"items", ToJson(c.items)},
                                {"versions", ToJson(c.versions)},
                                {"examples", c.examples}};
          }
          std::printf(
              "%s\n",
              json{{"identical", diff.identical()}, {"categories", categories}}.dump(2).c_str());
          return;
        }
        if (diff.identical()) {
          std::printf("no differences: a restore would change nothing\n");
          return;
        }
        std::printf("%-26s %22s %22s\n", "category", "items +/-/~", "versions +/-/~");
        for (const auto& [name, c] : diff.categories) {
          auto cell = [](const ChangeCounts& n) {
            return std::to_string(n.added) + "/" + std::to_string(n.removed) + "/" +
                   std::to_string(n.changed);
          };
          std::printf("%-26s %22s %22s\n", name.c_str(), cell(c.items).c_str(),
                      cell(c.versions).c_str());
        }
        for (const auto& [name, c] : diff.categories) {
          for (const std::string& example : c.examples) std::printf("%s\n", example.c_str());
        }
      }};
}

}  // namespace baton::cli
