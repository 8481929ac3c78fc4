// baton serve: the leader election, the app API and the leader endpoint.
#include <signal.h>

#include <memory>
#include <thread>

#include "baton/error.h"
#include "cli/commands.h"
#include "cli/retention_flags.h"
#include "cli/safety_backup_flag.h"
#include "cli/zk_flags.h"
#include "server/server.h"

namespace baton::cli {
namespace {

struct ServeFlags {
  server::ServerOptions options;
  ZkFlags zk;
};

void AddServeFlags(CLI::App& cmd, ServeFlags& flags) {
  server::ServerOptions& options = flags.options;
  flags.zk.AddTo(cmd, options.timeouts);
  cmd.add_option("--hostname", options.hostname,
                 "Address to listen on and to announce; without --http_credentials only a "
                 "loopback one (127.0.0.1, ::1, localhost)")
      ->capture_default_str();
  cmd.add_flag("--insecure_http", options.insecure_http,
               "Serve a non-loopback --hostname without --http_credentials anyway");
  cmd.add_option("--http_max_body_bytes", options.http_max_body_bytes,
                 "Larger request bodies are refused (413)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  cmd.add_option("--http_max_json_depth", options.http_max_json_depth,
                 "JSON bodies nesting arrays and objects deeper are refused (422)")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  cmd.add_option("--http_port", options.http_port, "HTTP port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  cmd.add_option(
      "--backup_location", options.backup_location,
      "Back up here before every storage migration, e.g. "
      "'file:///var/backups/baton-{timestamp}.tar' ({timestamp}: the UTC time of the backup)");
  cmd.add_option("--backup_interval", options.backup_interval,
                 "Also take scheduled backups to --backup_location this often (1h, 30m): the "
                 "server joins the backup agents' election, so one agent or server takes them");
  AddRetentionFlags(cmd, options.backup_retention);
  cmd.add_option("--http_credentials", options.http_credentials,
                 "user:password; every endpoint then requires HTTP basic auth");
  AddSafetyBackupDirFlag(cmd, options.safety_backup_dir,
                         "Where a restore through the leader endpoint saves the state it replaces");
}

void RunServe(ServeFlags& flags) {
  flags.options.zk = flags.zk.url();
  server::Server server(flags.options);
  // SIGTERM/SIGINT are taken by a thread with sigwait, so no handler and no
  // global are needed; the server leaves the election cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  waiter.detach();
  server.Run();
}

}  // namespace

Command AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Join the leader election; serve the app API (/v2/apps) and the leader endpoint "
      "(GET/DELETE /v2/leader)");
  AddServeFlags(*cmd, *flags);
  cmd->footer(
      "Examples:\n"
      "  baton serve --zk zk://127.0.0.1:2181/baton --http_port 8080\n"
      "  curl -X POST http://127.0.0.1:8080/v2/apps -d '{\"id\": \"/web\", \"cmd\": \"./web\"}'\n"
      "  curl -X DELETE 'http://127.0.0.1:8080/v2/leader?backup=file:///tmp/b.tar'\n"
      "\nThe next leader backs up (or restores), migrates the storage, and only then serves.\n"
      "Standbys forward /v2 requests to the leader.");
  return {cmd, [flags] {
            RunServe(*flags);
            return kExitOk;
          }};
}

}  // namespace baton::cli
