#include "wire_probes.h"

#include <chrono>
#include <deque>
#include <stdexcept>
#include <thread>
#include <vector>

#include "zk/wire/protocol.h"
#include "zk/wire/wire_session.h"

namespace baton::bench {
namespace {

using Clock = std::chrono::steady_clock;
using zk::wire::Reply;
using zk::wire::Request;

void CheckReply(const Reply& reply, const char* what) {
  if (reply.header.err != 0) {
    throw std::runtime_error(std::string(what) + ": error " + std::to_string(reply.header.err));
  }
}

std::string Child(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

const ZkTimeouts kTimeouts{.connect_ms = 10000, .session_ms = 30000};

}  // namespace

ProbeResult MultiReadTree(const ZkUrl& url, const std::string& root, Batching batching) {
  zk::wire::WireSession session(url, kTimeouts);
  ProbeResult result;
  auto start = Clock::now();
  std::deque<std::string> waiting{root};
  std::deque<std::vector<std::string>> in_flight;  // each batch's paths, in order sent
  while (!waiting.empty() || !in_flight.empty()) {
    if (!waiting.empty() && in_flight.size() < static_cast<size_t>(batching.window)) {
      Request request{zk::wire::kOpMultiRead, "", {}, ""};
      std::vector<std::string> paths;
      while (!waiting.empty() && paths.size() < static_cast<size_t>(batching.nodes)) {
        paths.push_back(std::move(waiting.front()));
        waiting.pop_front();
        request.ops.push_back({zk::wire::kOpGetData, paths.back()});
        request.ops.push_back({zk::wire::kOpGetChildren, paths.back()});
      }
      session.Send(request);
      in_flight.push_back(std::move(paths));
      continue;
    }
    Reply reply = session.Receive();
    CheckReply(reply, "multiRead");
    std::vector<std::string> paths = std::move(in_flight.front());
    in_flight.pop_front();
    auto results = zk::wire::DecodeMultiRead(reply.body(), paths.size() * 2);
    for (size_t i = 0; i < paths.size(); ++i) {
      const auto& data = results.at(2 * i);
      const auto& children = results.at(2 * i + 1);
      if (data.type != zk::wire::kOpGetData) throw std::runtime_error("getData " + paths[i]);
      result.bytes += data.data.size();
      ++result.nodes;
      for (const std::string& name : children.children) {
        waiting.push_back(Child(paths[i], name));
      }
    }
  }
  result.seconds = Since(start);
  return result;
}

ProbeResult MultiReadData(const ZkUrl& url, const BenchTree& tree, Batching batching) {
  zk::wire::WireSession session(url, kTimeouts);
  ProbeResult result;
  auto start = Clock::now();
  const auto& nodes = tree.nodes();
  std::deque<size_t> in_flight;  // each batch's op count
  size_t next = 0;
  while (next < nodes.size() || !in_flight.empty()) {
    if (next < nodes.size() && in_flight.size() < static_cast<size_t>(batching.window)) {
      Request request{zk::wire::kOpMultiRead, "", {}, ""};
      while (next < nodes.size() && request.ops.size() < static_cast<size_t>(batching.nodes)) {
        request.ops.push_back({zk::wire::kOpGetData, nodes[next++].path});
      }
      session.Send(request);
      in_flight.push_back(request.ops.size());
      continue;
    }
    Reply reply = session.Receive();
    CheckReply(reply, "multiRead");
    for (const auto& r : zk::wire::DecodeMultiRead(reply.body(), in_flight.front())) {
      if (r.type != zk::wire::kOpGetData) throw std::runtime_error("getData failed");
      result.bytes += r.data.size();
      ++result.nodes;
    }
    in_flight.pop_front();
  }
  result.seconds = Since(start);
  return result;
}

ProbeResult PipelinedAcl(const ZkUrl& url, const BenchTree& tree, int sessions, int window) {
  const auto& nodes = tree.nodes();
  // Sessions are opened before the clock starts: a backup opens its own
  // before its quiet window too.
  std::vector<std::unique_ptr<zk::wire::WireSession>> wires;
  for (int s = 0; s < sessions; ++s) {
    wires.push_back(std::make_unique<zk::wire::WireSession>(url, kTimeouts, s));
  }
  auto start = Clock::now();
  std::vector<std::thread> threads;
  std::vector<std::string> failures(sessions);
  for (int s = 0; s < sessions; ++s) {
    threads.emplace_back([&, s] {
      try {
        zk::wire::WireSession& session = *wires[s];
        for (size_t i = s; i < nodes.size(); i += sessions) {
          if (session.outstanding() >= static_cast<size_t>(window)) {
            CheckReply(session.Receive(), "getACL");
          }
          // Many requests per system call, as a backup sends them.
          session.SendLater(Request{zk::wire::kOpGetAcl, nodes[i].path, {}, ""});
        }
        while (session.outstanding() > 0) CheckReply(session.Receive(), "getACL");
      } catch (const std::exception& e) {
        failures[s] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) {
    if (!f.empty()) throw std::runtime_error(f);
  }
  return ProbeResult{nodes.size(), 0, Since(start)};
}

}  // namespace baton::bench
