// baton_bench: measures, in one run on one ZooKeeper server, the physical
// limits (raw pipelined reads, raw multi-batched creates), Baton's backup
// and restore (the real executable: wall time and peak RSS), and the
// baselines (a sequential script, Marathon's algorithm), and prints their
// ratios as a table and a JSON file. See README, "Performance".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_tree.h"
#include "wire_probes.h"
#include "zk/batch_writer.h"
#include "zk/subtree.h"
#include "zk/zk_session.h"
#include "zk_probes.h"

extern char** environ;

namespace baton::bench {
namespace {

struct Row {
  std::string name;
  uint64_t nodes = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  double peak_rss_mb = 0;        // 0: not measured (in-process probes)
  double requests_per_node = 0;  // as the server counted them
  std::string spread;            // the rates of all runs of a median, " [min-max]"

  double nodes_per_s() const { return seconds > 0 ? nodes / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? bytes / 1e6 / seconds : 0; }
};

Row FromProbe(const std::string& name, const ProbeResult& r) {
  return Row{name, r.nodes, r.bytes, r.seconds, 0, 0, ""};
}

// Requests the server has received so far, from its "srvr" command (the
// benchmark's own server, so they are the measured run's).
uint64_t ServerRequests(const std::string& hosts) {
  std::string host = hosts.substr(0, hosts.find(','));
  int port = std::stoi(host.substr(host.rfind(':') + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::write(fd, "srvr", 4) == 4) {
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) reply.append(buf, n);
  }
  ::close(fd);
  size_t at = reply.find("Received: ");
  return at == std::string::npos ? 0 : std::stoull(reply.substr(at + 10));
}

// Runs `measure` and notes how many requests it made the server handle.
template <typename Measure>
Row Counted(const std::string& hosts, Measure measure) {
  uint64_t before = ServerRequests(hosts);
  Row row = measure();
  uint64_t after = ServerRequests(hosts);
  if (row.nodes > 0 && after > before) {
    row.requests_per_node = static_cast<double>(after - before - 1) / row.nodes;
  }
  return row;
}

// Runs baton with --json; its wall time and the peak RSS it reports. (wait4's
// ru_maxrss would count this harness's memory: posix_spawn's vfork child
// shares it until exec.)
Row RunBaton(const std::string& name, const std::string& baton, std::vector<std::string> args,
             const BenchTree& tree, const std::string& log) {
  args.insert(args.begin() + 1, "--json");
  args.insert(args.begin(), baton);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string result_path = log + ".result";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, result_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + baton);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(name + " failed; see " + log);
  }
  std::ifstream result_file(result_path);
  nlohmann::json result = nlohmann::json::parse(result_file);
  return Row{
      name, tree.nodes().size(), tree.value_bytes(), seconds, result.value("peak_rss_mb", 0.0), 0,
      ""};
}

// The run of median time, with the spread of all runs' rates in its name.
Row Median(std::vector<Row> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Row& a, const Row& b) { return a.seconds < b.seconds; });
  Row median = runs[runs.size() / 2];
  if (runs.size() > 1) {
    char spread[64];
    std::snprintf(spread, sizeof spread, " [%.0f-%.0f]", runs.back().nodes_per_s(),
                  runs.front().nodes_per_s());
    median.spread = spread;
  }
  return median;
}

nlohmann::json ToJson(const Row& row) {
  return {{"name", row.name},
          {"nodes", row.nodes},
          {"seconds", row.seconds},
          {"nodes_per_s", row.nodes_per_s()},
          {"nodes_per_s_spread", row.spread},
          {"mb_per_s", row.mb_per_s()},
          {"peak_rss_mb", row.peak_rss_mb},
          {"requests_per_node", row.requests_per_node}};
}

// The raw whole-tree multiRead at each batch size and window: what the
// reader's defaults (zk/wire/multi_read_reader.h) were chosen from.
void MeasureCurve(const ZkUrl& url, const std::string& root, const std::vector<int>& windows,
                  nlohmann::json& out) {
  const std::vector<int> sizes{25, 50, 100, 250, 500, 1000};
  std::printf("  raw multiRead tree, nodes/s by nodes per batch (rows) and batches in flight:\n");
  std::printf("  %8s", "");
  for (int w : windows) std::printf(" %9d", w);
  std::printf("\n");
  for (int nodes : sizes) {
    std::printf("  %8d", nodes);
    for (int window : windows) {
      ProbeResult r = MultiReadTree(url, root, Batching{nodes, window});
      double rate = r.nodes / r.seconds;
      std::printf(" %9.0f", rate);
      std::fflush(stdout);
      out["curve"].push_back(
          {{"nodes_per_batch", nodes}, {"window", window}, {"nodes_per_s", rate}});
    }
    std::printf("\n");
  }
}

// How many times b's rate a's is; 0 when b did nothing.
double Ratio(const Row& a, const Row& b) {
  return b.nodes_per_s() > 0 ? a.nodes_per_s() / b.nodes_per_s() : 0;
}

// The rows of one run, printed as they come.
struct Table {
  Table() {
    std::printf("  %-42s %9s %12s %10s %11s %9s\n", "", "seconds", "nodes/s", "MB/s", "peak RSS",
                "req/node");
  }
  Row Note(Row row) {
    std::printf("  %-42s %9.2f %12.0f %10.1f %8.1f MB %9.3f%s\n", row.name.c_str(), row.seconds,
                row.nodes_per_s(), row.mb_per_s(), row.peak_rss_mb, row.requests_per_node,
                row.spread.c_str());
    std::fflush(stdout);
    rows.push_back(row);
    return row;
  }
  std::vector<Row> rows;
};

void PrintRatios(const nlohmann::json& ratios) {
  std::printf("  ratios:\n");
  for (const auto& [name, value] : ratios.items()) {
    std::printf("    %-30s %8.2f\n", name.c_str(), value.get<double>());
  }
}

void DeleteTree(zk::ZkSession& session, const std::string& root) {
  zk::BatchWriter writer(session, 512 * 1024, 1000, 8);
  zk::DeleteDescendants(session, writer, root, 2000);
  writer.Flush();
  if (session.Exists(root)) session.Delete(root);
}

nlohmann::json Measure(const std::string& hosts, uint64_t target, const std::string& baton,
                       const std::string& work, const Budget& budget, int rounds, bool keep,
                       Batching batching, const std::vector<int>& curve) {
  nlohmann::json out;
  const std::string root = "/bench-" + std::to_string(target);
  // Every writer gets a root of its own, never one emptied just before: the
  // server reaps an emptied container by its path some time after it empties,
  // which can take a parent just recreated there before its child is
  // written (the smoke test once saw a baseline fail with "no node").
  const std::string restored = root + "-restored", tree_restored = root + "-restored-tree";
  const std::string seq_root = root + "-seq", marathon_root = root + "-marathon",
                    zkcopy_root = root + "-zkcopy", copy_root = root + "-copy";
  const std::vector<std::string> roots = {root,          restored,    tree_restored, seq_root,
                                          marathon_root, zkcopy_root, copy_root};
  zk::ZkSession session(ZkUrl::Parse("zk://" + hosts + root),
                        ZkTimeouts{.connect_ms = 10000, .session_ms = 30000});
  for (const std::string& r : roots) DeleteTree(session, r);
  zhandle_t* zh = session.handle();
  session.Put(root, "");
  session.Put(root + "/state", "");
  BenchTree tree(root + "/state", target);
  std::printf("tree: %zu nodes, %.1f MB of values under %s\n", tree.nodes().size(),
              tree.value_bytes() / 1e6, root.c_str());
  const std::string log = work + "/baton.log";
  const std::string zk = "zk://" + hosts;
  Table table;
  auto note = [&table](Row row) { return table.Note(std::move(row)); };

  Row raw_create =
      note(FromProbe("limit: raw multi create", MultiCreate(zh, tree, 1000, 512 << 10, 8)));
  PipelinedRead(zh, tree, 2000);  // warms the server's caches; not reported
  const ZkUrl url = ZkUrl::Parse(zk + root);
  if (!curve.empty()) MeasureCurve(url, root + "/state", curve, out);
  // The limit rows, each the median of `rounds` interleaved runs like the
  // backups below.
  std::vector<std::vector<Row>> limit_runs(4);
  std::vector<Row> acl_sessions;
  for (int round = 0; round < rounds; ++round) {
    limit_runs[0].push_back(Counted(hosts, [&] {
      return FromProbe("limit: raw multiRead tree (data+children)",
                       MultiReadTree(url, root + "/state", batching));
    }));
    limit_runs[1].push_back(Counted(hosts, [&] {
      return FromProbe("limit: raw multiRead getData", MultiReadData(url, tree, batching));
    }));
    limit_runs[2].push_back(Counted(hosts, [&] {
      return FromProbe("limit: raw pipelined getData", PipelinedRead(zh, tree, 2000));
    }));
    // getACL: the best of 1 to 4 sessions.
    Row best;
    for (int sessions = 1; sessions <= 4; ++sessions) {
      Row r = FromProbe("limit: raw pipelined getACL (" + std::to_string(sessions) + " sessions)",
                        PipelinedAcl(url, tree, sessions, 1000));
      if (round == 0) acl_sessions.push_back(r);
      if (r.nodes_per_s() > best.nodes_per_s()) best = r;
    }
    limit_runs[3].push_back(best);
  }
  for (const Row& r : acl_sessions) {
    std::printf("  %-42s %9.2f %12.0f\n", r.name.c_str(), r.seconds, r.nodes_per_s());
  }
  std::vector<Row> limits;
  for (auto& r : limit_runs) limits.push_back(note(Median(r)));
  const Row &raw_tree = limits[0], &raw_multi_data = limits[1], &raw_read = limits[2],
            &raw_acl = limits[3];

  // The backups vary by a few percent from run to run (the server's
  // garbage collector, the page cache): each is run `rounds` times,
  // interleaved, and its median reported.
  const std::string tar = work + "/backup.tar";
  const std::vector<std::pair<std::string, std::string>> backups = {
      {"baton backup (file)", "file://" + tar},
      {"baton backup (/dev/null)", "file:///dev/null"},
      {"baton backup (file, zstd)", "file://" + work + "/backup.tar.zst"},
      {"baton backup (file, --no_acls)", "file://" + work + "/no-acls.tar"},
      {"baton backup (marathon format)", "file://" + work + "/marathon.tar"},
      {"baton backup --layout tree", "file://" + work + "/tree.tar"},
      {"baton backup --layout tree --no_acls", "file://" + work + "/tree-no-acls.tar"}};
  std::vector<std::vector<Row>> runs(backups.size());
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < backups.size(); ++i) {
      std::vector<std::string> args{"backup",          "-q",   "--backup_location",
                                    backups[i].second, "--zk", zk + root};
      if (i == 3) args.insert(args.begin() + 1, "--no_acls");
      if (i == 4) args.insert(args.begin() + 1, {"--format", "marathon"});
      // The tree layout reads the same nodes as any subtree: every node, its
      // data, version, cversion and children count.
      if (i >= 5) args.insert(args.begin() + 1, {"--layout", "tree"});
      if (i == 6) args.insert(args.begin() + 1, "--no_acls");
      runs[i].push_back(
          Counted(hosts, [&] { return RunBaton(backups[i].first, baton, args, tree, log); }));
    }
  }
  std::vector<Row> medians;
  for (auto& r : runs) medians.push_back(note(Median(r)));
  const Row &backup = medians[0], &backup_null = medians[1], &backup_zstd = medians[2],
            &backup_no_acls = medians[3], &backup_marathon = medians[4], &tree_backup = medians[5],
            &tree_no_acls = medians[6];
  Row seq_read = note(Counted(hosts, [&] {
    return FromProbe("baseline: sequential read", SequentialRead(zh, tree, budget));
  }));
  Row marathon_read = note(Counted(hosts, [&] {
    return FromProbe("baseline: Marathon read (32 in flight)", MarathonRead(zh, tree, budget));
  }));

  Row restore = note(Counted(hosts, [&] {
    return RunBaton(
        "baton restore", baton,
        {"restore", "--force", "--no_safety_backup", "--to_other_path",
         "--allow_no_storage_version", "--backup_location", "file://" + tar, "--zk", zk + restored},
        tree, log);
  }));
  DeleteTree(session, restored);
  Row tree_restore = note(Counted(hosts, [&] {
    return RunBaton(
        "baton restore --layout tree", baton,
        {"restore", "--layout", "tree", "--force", "--no_safety_backup", "--to_other_path",
         "--backup_location", "file://" + work + "/tree.tar", "--zk", zk + tree_restored},
        tree, log);
  }));
  DeleteTree(session, tree_restored);
  // The baselines write a copy of the tree, each under its own root (each
  // copy's node list lives only while its baseline runs).
  auto copy_under = [&](const std::string& r) {
    session.Put(r, "");
    session.Put(r + "/state", "");
    return BenchTree(r + "/state", target);
  };
  Row seq_create = note(Counted(hosts, [&] {
    return FromProbe("baseline: sequential create",
                     SequentialCreate(zh, copy_under(seq_root), budget));
  }));
  DeleteTree(session, seq_root);
  Row marathon_write = note(Counted(hosts, [&] {
    return FromProbe("baseline: Marathon restore (1 at a time)",
                     MarathonWrite(zh, copy_under(marathon_root), budget));
  }));
  DeleteTree(session, marathon_root);
  // A whole copy of the tree to another root: zkcopy's way against baton
  // copy (both without ACLs: zkcopy writes the open ACL).
  Row zkcopy = note(Counted(hosts, [&] {
    ProbeResult read = ZkcopyRead(zh, tree, 10, budget);
    ProbeResult write = ZkcopyWrite(zh, copy_under(zkcopy_root), 1000, budget);
    ProbeResult both{std::min(read.nodes, write.nodes), read.bytes, read.seconds + write.seconds};
    return FromProbe("baseline: zkcopy (10 workers, 1000-op batches)", both);
  }));
  DeleteTree(session, zkcopy_root);
  Row baton_copy = note(Counted(hosts, [&] {
    return RunBaton("baton copy --no_acls", baton,
                    {"copy", "--no_acls", "--force", "--no_safety_backup", "--spool_dir", work,
                     zk + root + "/state", zk + copy_root + "/state"},
                    tree, log);
  }));
  for (const std::string& r : roots) {
    if (r != root || !keep) DeleteTree(session, r);
  }
  std::filesystem::remove(tar);
  std::filesystem::remove(work + "/backup.tar.zst");
  std::filesystem::remove(work + "/marathon.tar");
  std::filesystem::remove(work + "/no-acls.tar");
  std::filesystem::remove(work + "/tree.tar");
  std::filesystem::remove(work + "/tree-no-acls.tar");

  nlohmann::json ratios = {
      {"raw multiRead getData / raw multiRead tree", Ratio(raw_multi_data, raw_tree)},
      {"raw pipelined getData / raw multiRead tree", Ratio(raw_read, raw_tree)},
      {"backup / raw getACL", Ratio(backup, raw_acl)},
      {"backup --no_acls / raw multiRead tree", Ratio(backup_no_acls, raw_tree)},
      {"backup marathon format / raw multiRead tree", Ratio(backup_marathon, raw_tree)},
      {"backup / raw multiRead tree", Ratio(backup, raw_tree)},
      {"backup --no_acls / Marathon read", Ratio(backup_no_acls, marathon_read)},
      {"backup marathon format / Marathon read", Ratio(backup_marathon, marathon_read)},
      {"restore / raw multi create", Ratio(restore, raw_create)},
      {"restore / Marathon restore", Ratio(restore, marathon_write)},
      {"restore / sequential create", Ratio(restore, seq_create)},
      {"backup / Marathon read", Ratio(backup, marathon_read)},
      {"tree backup / raw getACL", Ratio(tree_backup, raw_acl)},
      {"tree backup --no_acls / raw multiRead tree", Ratio(tree_no_acls, raw_tree)},
      {"tree restore / raw multi create", Ratio(tree_restore, raw_create)},
      {"baton copy / zkcopy", Ratio(baton_copy, zkcopy)},
      {"backup / sequential read", Ratio(backup, seq_read)},
      {"file time / /dev/null time", backup.seconds / backup_null.seconds},
      {"zstd time / plain time", backup_zstd.seconds / backup.seconds},
  };
  nlohmann::json targets = {
      {"backup >= 90% of raw getACL", Ratio(backup, raw_acl) >= 0.9},
      {"backup --no_acls >= 70% of raw multiRead tree", Ratio(backup_no_acls, raw_tree) >= 0.7},
      {"marathon format >= 70% of raw multiRead tree", Ratio(backup_marathon, raw_tree) >= 0.7},
      {"backup --no_acls >= 3x Marathon read", Ratio(backup_no_acls, marathon_read) >= 3},
      {"marathon format >= 3x Marathon read", Ratio(backup_marathon, marathon_read) >= 3},
      {"restore >= 80% of raw multi create", Ratio(restore, raw_create) >= 0.8},
      {"restore >= 20x Marathon", Ratio(restore, marathon_write) >= 20},
      {"peak RSS < 100 MB",
       backup.peak_rss_mb < 100 && restore.peak_rss_mb < 100 && backup_zstd.peak_rss_mb < 100},
      {"file adds < 5% over /dev/null", backup.seconds / backup_null.seconds < 1.05},
      {"zstd costs < 20%", backup_zstd.seconds / backup.seconds < 1.2},
  };
  PrintRatios(ratios);
  std::printf("  targets:\n");
  for (const auto& [name, met] : targets.items()) {
    std::printf("    %-36s %s\n", name.c_str(), met.get<bool>() ? "met" : "NOT met");
  }
  out["nodes"] = tree.nodes().size();
  out["value_bytes"] = tree.value_bytes();
  out["ratios"] = ratios;
  out["targets"] = targets;
  for (const Row& row : table.rows) out["rows"].push_back(ToJson(row));
  for (const Row& row : acl_sessions) out["getACL by sessions"].push_back(ToJson(row));
  return out;
}

// The tree layout alone, for the large tree: its backup (with and without
// ACLs) and restore against the same raw limits, with Baton's peak RSS, each
// once. (Measure runs every row, three times: about 70 minutes at 1,000,000
// nodes here.)
nlohmann::json MeasureTree(const std::string& hosts, uint64_t target, const std::string& baton,
                           const std::string& work, Batching batching) {
  const std::string root = "/bench-tree-" + std::to_string(target), restored = root + "-restored";
  zk::ZkSession session(ZkUrl::Parse("zk://" + hosts + root),
                        ZkTimeouts{.connect_ms = 10000, .session_ms = 30000});
  for (const std::string& r : {root, restored}) DeleteTree(session, r);
  session.Put(root, "");
  session.Put(root + "/state", "");
  BenchTree tree(root + "/state", target);
  std::printf("tree: %zu nodes, %.1f MB of values under %s (tree layout only)\n",
              tree.nodes().size(), tree.value_bytes() / 1e6, root.c_str());
  const std::string log = work + "/baton.log", zk = "zk://" + hosts;
  const ZkUrl url = ZkUrl::Parse(zk + root);
  Table table;
  const Row raw_create = table.Note(FromProbe(
      "limit: raw multi create", MultiCreate(session.handle(), tree, 1000, 512 << 10, 8)));
  PipelinedRead(session.handle(), tree, 2000);  // warms the server's caches; not reported
  const Row raw_tree = table.Note(Counted(hosts, [&] {
    return FromProbe("limit: raw multiRead tree (data+children)",
                     MultiReadTree(url, root + "/state", batching));
  }));
  Row raw_acl;
  for (int sessions : {1, 2, 4}) {  // the best of them
    Row r = FromProbe("limit: raw pipelined getACL (best of 1, 2, 4 sessions)",
                      PipelinedAcl(url, tree, sessions, 1000));
    if (r.nodes_per_s() > raw_acl.nodes_per_s()) raw_acl = r;
  }
  table.Note(raw_acl);
  const std::string tar = work + "/tree.tar";
  auto backup = [&](const std::string& name, std::vector<std::string> extra,
                    const std::string& to) {
    std::vector<std::string> args{"backup", "-q",   "--layout", "tree", "--backup_location",
                                  to,       "--zk", zk + root};
    args.insert(args.begin() + 1, extra.begin(), extra.end());
    return table.Note(Counted(hosts, [&] { return RunBaton(name, baton, args, tree, log); }));
  };
  const Row tree_backup = backup("baton backup --layout tree", {}, "file://" + tar);
  const Row no_acls = backup("baton backup --layout tree --no_acls", {"--no_acls"},
                             "file://" + work + "/tree-no-acls.tar");
  std::filesystem::remove(work + "/tree-no-acls.tar");
  const Row tree_restore = table.Note(Counted(hosts, [&] {
    return RunBaton(
        "baton restore --layout tree", baton,
        {"restore", "--layout", "tree", "--force", "--no_safety_backup", "--to_other_path",
         "--backup_location", "file://" + tar, "--zk", zk + restored},
        tree, log);
  }));
  std::filesystem::remove(tar);
  for (const std::string& r : {root, restored}) DeleteTree(session, r);
  nlohmann::json ratios = {
      {"tree backup / raw getACL", Ratio(tree_backup, raw_acl)},
      {"tree backup --no_acls / raw multiRead tree", Ratio(no_acls, raw_tree)},
      {"tree restore / raw multi create", Ratio(tree_restore, raw_create)},
  };
  PrintRatios(ratios);
  nlohmann::json out = {
      {"nodes", tree.nodes().size()}, {"value_bytes", tree.value_bytes()}, {"ratios", ratios}};
  for (const Row& row : table.rows) out["rows"].push_back(ToJson(row));
  return out;
}

}  // namespace
}  // namespace baton::bench

int main(int argc, char** argv) {
  CLI::App app("baton_bench: Baton against ZooKeeper's limits and the baselines", "baton_bench");
  std::string hosts, baton = "build-bench/baton", work = "/tmp/baton-bench",
                     json = "bench/results.json";
  std::vector<uint64_t> sizes{100000};
  int baseline_seconds = 20;
  uint64_t baseline_nodes = 30000;
  app.add_option("--zk", hosts, "ZooKeeper host:port (loopback)")->required();
  app.add_option("--nodes", sizes, "Tree sizes to measure")->capture_default_str();
  app.add_option("--baton", baton, "The baton executable")->capture_default_str();
  app.add_option("--work_dir", work, "Where backups are written")->capture_default_str();
  app.add_option("--json", json, "Where the results go")->capture_default_str();
  app.add_option("--baseline_seconds", baseline_seconds,
                 "Each baseline stops after this long (its rate is measured over what it did)")
      ->capture_default_str();
  app.add_option("--baseline_nodes", baseline_nodes, "...or after this many nodes")
      ->capture_default_str();
  bool keep = false;
  int rounds = 3;
  app.add_option("--rounds", rounds, "Runs of each backup variant (the median is reported)")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
  app.add_flag("--keep_tree", keep, "Leave the tree in ZooKeeper (to profile baton against it)");
  baton::bench::Batching batching;
  app.add_option("--multi_read_nodes", batching.nodes, "Nodes per multiRead in the limit rows")
      ->capture_default_str();
  app.add_option("--multi_read_window", batching.window, "multiReads in flight in the limit rows")
      ->capture_default_str();
  std::vector<int> curve;
  app.add_option("--curve", curve,
                 "Also measure the raw multiRead tree at these windows (batch sizes 25-1000)");
  bool tree_only = false;
  app.add_flag("--tree_only", tree_only,
               "Only the tree layout's rows, each once (for the 1,000,000-node tree)");
  CLI11_PARSE(app, argc, argv);
  if (hosts.rfind("127.", 0) != 0 && hosts.rfind("[::1]", 0) != 0) {
    std::fprintf(stderr, "baton_bench: loopback ZooKeeper only (got %s)\n", hosts.c_str());
    return 2;
  }
  try {
    std::filesystem::create_directories(work);
    nlohmann::json results = {{"zk", hosts}, {"runs", nlohmann::json::array()}};
    baton::bench::Budget budget{baseline_nodes, std::chrono::seconds(baseline_seconds)};
    for (uint64_t n : sizes) {
      results["runs"].push_back(tree_only
                                    ? baton::bench::MeasureTree(hosts, n, baton, work, batching)
                                    : baton::bench::Measure(hosts, n, baton, work, budget, rounds,
                                                            keep, batching, curve));
    }
    std::ofstream(json) << results.dump(2) << "\n";
    std::printf("results: %s\n", json.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "baton_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
