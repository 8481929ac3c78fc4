// A node's ACL as Baton records it in a backup: one "perms:scheme:id" line
// per entry (perms as ZooKeeper's bit mask, e.g. "31:world:anyone" or
// "31:digest:alice:Xk2...="), and as the C client wants it.
#pragma once

#include <zookeeper/zookeeper.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace baton::zk {

class Acl {
 public:
  // Throws baton::Error on text that is not such lines.
  static Acl Parse(const std::string& text);
  static std::string ToText(const ACL_vector& acl);
  // The open ACL (world:anyone, all permissions), which backups leave out.
  static bool IsOpen(const ACL_vector& acl);
  // Whether ACL text holds a digest whose hash the server hid from the
  // reader ("digest:user:x": 3.6+ masks it for a session without ADMIN on
  // the node). Such an ACL cannot be written back as it was.
  static bool IsMasked(std::string_view text);

  Acl(const Acl& other) : Acl(other.text_) {}
  Acl& operator=(const Acl&) = delete;

  // Whether world:anyone holds every permission of `perms` (so any session
  // may do them, whoever it authenticates as).
  bool OpenTo(int32_t perms) const;

  // Why a ZooKeeper 3.8 server with its default authentication providers
  // would refuse this ACL (its answer: "invalid acl"), or "" when it would
  // not. Stricter on permissions: only 1..31 (0 makes a node no one can
  // read, so no backup holds one; higher bits mean nothing).
  std::string Refusal() const;
  // The ACL's size in a create request.
  uint64_t WireBytes() const;

  // Valid while this object lives.
  const ACL_vector* get() const { return &vector_; }

 private:
  explicit Acl(const std::string& text);

  std::string text_;
  std::vector<std::string> schemes_, ids_;
  std::vector<ACL> entries_;
  ACL_vector vector_{};
};

}  // namespace baton::zk
