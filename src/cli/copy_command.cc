// baton copy: one ensemble's subtree into another, read whole before the
// target is touched, written as a restore.
#include <spdlog/fmt/fmt.h>

#include "baton/copy.h"
#include "cli/commands.h"
#include "cli/read_flags.h"
#include "cli/replace_flags.h"

namespace baton::cli {
namespace {

struct CopyFlags {
  CopyOptions options;
  std::string source, target;  // parsed when the command runs, as --zk is
  OutputFlags output;
};

void AddCopyFlags(CLI::App& cmd, CopyFlags& flags) {
  CopyOptions& options = flags.options;
  cmd.add_option("source", flags.source,
                 "The subtree to read: zk://[user:password@]host:port[,...]/path")
      ->required();
  cmd.add_option("target", flags.target,
                 "The subtree to replace with it: zk://[user:password@]host:port[,...]/path")
      ->required();
  ZkFlags::AddTimeoutsTo(cmd, options.target.timeouts);  // for both ensembles
  cmd.add_option("--spool_dir", options.spool_dir,
                 "Where the whole source is kept (an unnamed file, zstd) before the target is "
                 "touched; default $TMPDIR or /tmp");
  AddReadFlags(cmd, options);
  AddReplaceFlags(cmd, options.target);
}

Result RunCopy(CopyFlags& flags, const CLI::App& cmd) {
  CopyOptions& options = flags.options;
  options.source = ZkUrl::Parse(flags.source);
  options.target.zk = ZkUrl::Parse(flags.target);
  options.source_timeouts = options.target.timeouts;
  CheckValidationFlags(options.target.validation);
  CopyStats stats =
      flags.output.WithProgress(cmd, options.target.progress, [&] { return Copy(options); });
  const RestoreStats& written = stats.written;
  nlohmann::json result = {{"dry_run", options.target.dry_run},
                           {"merge", options.target.merge},
                           {"source", options.source.Redacted()},
                           {"target", options.target.zk.Redacted()},
                           {"nodes", stats.read.items},
                           {"bytes", stats.read.bytes},
                           {"ephemerals_left_out", stats.read.ephemerals},
                           {"unreadable_left_out", stats.read.unreadable},
                           {"zxid", fmt::format("0x{:x}", stats.read.zxid)},
                           {"spooled_bytes", stats.spooled_bytes},
                           {"replaced_nodes", written.deleted_nodes},
                           {"safety_backup", written.safety_backup},
                           {"rolled_back_previous", written.rolled_back_previous}};
  std::string text =
      fmt::format("{} {} nodes ({} bytes, as of zxid 0x{:x}) from {} to {}{}",
                  options.target.dry_run ? "dry run, nothing written; would copy" : "copied",
                  stats.read.items, stats.read.bytes, stats.read.zxid, options.source.Redacted(),
                  options.target.zk.Redacted(), LeftOutText(stats.read));
  if (!options.target.dry_run) {
    text += ReplacedText(options.target, written);
  }
  return {result, text};
}

}  // namespace

Command AddCopyCommand(CLI::App& app) {
  CommandHelp help{
      "copy", "Copy a ZooKeeper subtree into another ensemble or path (tree layout)",
      "Examples:\n"
      "  baton copy zk://old1:2181,old2:2181/kafka zk://new1:2181,new2:2181,new3:2181/kafka\n"
      "  baton copy --exclude /brokers/ids zk://zk1:2181/solr zk://zk1:2181/solr-staging\n"
      "\nThe source is read whole, at one point in time, into a temporary file before the\n"
      "target is touched; then the target is replaced as baton restore --layout tree would:\n"
      "validated first, locked, saved to a safety backup, marked, rolled back on failure,\n"
      "with each node's data version and each parent's cversion brought back. Ephemeral\n"
      "nodes are left out; a target with live ephemeral nodes is refused (--force)."};
  return AddResultCommand(app, help, AddCopyFlags, RunCopy, true);
}

}  // namespace baton::cli
