// baton agent: scheduled, leader-only backups with retention and metrics.
#include <memory>

#include "baton/error.h"
#include "cli/commands.h"
#include "cli/retention_flags.h"
#include "server/agent.h"

namespace baton::cli {
namespace {

struct AgentFlags {
  server::AgentOptions options;
  ZkFlags zk;
  std::string interval, schedule;
  int retry_delay_s = static_cast<int>(options.retry_delay.count());  // the options' default
};

void AddAgentFlags(CLI::App& cmd, AgentFlags& flags) {
  server::AgentOptions& o = flags.options;
  AddBackupOptionFlags(cmd, o.backup, flags.zk);
  auto* interval =
      cmd.add_option("--interval", flags.interval, "Back up this often: 90s, 15m, 1h, 1h30m, 1d");
  auto* schedule = cmd.add_option("--schedule", flags.schedule,
                                  "Back up at these times, in cron's five fields (UTC), e.g. "
                                  "'0 */6 * * *', or @hourly, @daily, @weekly, @monthly");
  interval->excludes(schedule);
  cmd.add_option("--jitter", o.jitter,
                 "Start each backup up to this share of the period late, at random (0-1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  AddRetentionFlags(cmd, o.retention);
  cmd.add_option("--listen", o.listen,
                 "host:port for GET /metrics (Prometheus) and /ping; empty: none")
      ->capture_default_str();
  cmd.add_option("--on_failure", o.on_failure,
                 "Run this shell command after a failed backup, with BATON_ERROR, BATON_COMMAND "
                 "and BATON_LOCATION in its environment");
  cmd.add_option("--retries", o.retries, "Tries again after a failed backup before the next slot")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd.add_option("--retry_delay_s", flags.retry_delay_s, "Seconds between those tries")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
}

void RunAgent(AgentFlags& flags) {
  server::AgentOptions& o = flags.options;
  o.backup.zk = flags.zk.url();
  o.retry_delay = std::chrono::seconds(flags.retry_delay_s);
  if (flags.interval.empty() && flags.schedule.empty()) {
    throw Error("give --interval (e.g. 1h) or --schedule (cron)", ErrorKind::kInvalidInput);
  }
  o.schedule = flags.interval.empty()
                   ? server::Schedule::Cron(flags.schedule)
                   : server::Schedule::Every(server::ParseDuration(flags.interval));
  // SIGINT/SIGTERM: between runs it stops (exit 0); a running backup is
  // interrupted and leaves no object.
  server::Agent(o).Run();
}

}  // namespace

Command AddAgentCommand(CLI::App& app) {
  auto flags = std::make_shared<AgentFlags>();
  CLI::App* cmd = app.add_subcommand(
      "agent", "Take scheduled backups: one of any number of agents leads and backs up");
  AddAgentFlags(*cmd, *flags);
  cmd->footer(
      "Examples:\n"
      "  baton agent --zk zk://zk1:2181/kafka --layout tree --interval 1h \\\n"
      "              --backup_location 's3://backups/kafka/{timestamp}.tar.zst' \\\n"
      "              --keep_hourly 24 --keep_daily 7 --keep_weekly 4\n"
      "  baton agent --zk zk://zk1:2181/marathon --schedule '0 */6 * * *' \\\n"
      "              --backup_location 'file:///var/backups/marathon-{timestamp}.tar'\n"
      "\nAgents on one path elect a leader among Baton's control nodes; only it backs up. The\n"
      "time of the last backup is kept in ZooKeeper, so a new leader goes on with the schedule.\n"
      "A run while a restore holds the path is skipped; retention prunes the location's\n"
      "directory or prefix after each successful backup (backups of this path only).");
  return {cmd, [flags] {
            RunAgent(*flags);
            return kExitOk;
          }};
}

}  // namespace baton::cli
