// Tells whether the whole ensemble wrote nothing while a walk ran, so that
// the walk saw one state without re-checking every node. An ephemeral marker
// is created when the window opens (its czxid) and updated when it closes
// (its mzxid): the session's reads in between come after the first write and
// before the second, so if those two transactions are adjacent, every read
// saw the state as of the first. The marker also shows that a backup runs.
#pragma once

#include <cstdint>
#include <string>

#include "zk/zk_session.h"

namespace baton::zk {

class QuietWindow {
 public:
  // Creates `<prefix><sequence>`, its missing parents as containers. Without
  // permission to, the window is never quiet and callers check node by node.
  QuietWindow(ZkSession& session, const std::string& prefix, const std::string& data);
  ~QuietWindow();
  QuietWindow(const QuietWindow&) = delete;
  QuietWindow& operator=(const QuietWindow&) = delete;

  // Closes the window: true if no transaction at all happened since it
  // opened. Then everything read in between is the state as of start_zxid().
  bool Close();
  int64_t start_zxid() const { return start_zxid_; }

 private:
  ZkSession& session_;
  std::string path_;  // empty when the marker could not be created
  int64_t start_zxid_ = -1;
};

}  // namespace baton::zk
