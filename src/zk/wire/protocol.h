// The records of ZooKeeper's client protocol that Baton's own read path
// sends and receives (zookeeper.jute, org.apache.zookeeper.proto), in jute
// (zk/wire/jute.h). Every message is a frame: a big-endian int32 length and
// that many bytes. A request is RequestHeader{xid, type} and the op's
// record; a reply is ReplyHeader{xid, zxid, err} and, when err is 0, the
// op's reply record. The connect handshake is the exception: its two
// records travel framed but without a header.
//
// Reply decoders are bounded: a length or count past the frame, or more
// entries than a cap, is refused with baton::Error (kUnavailable) and never
// read or allocated.
//
// Thread safety: free functions and plain records, nothing shared.
#pragma once

#include <zookeeper/zookeeper.h>  // Stat, and the error codes (ZNONODE, ...)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace baton::zk::wire {

// OpCodes (ZooDefs.OpCode).
inline constexpr int32_t kOpError = -1;  // a failed op in a multi reply
inline constexpr int32_t kOpCloseSession = -11;
inline constexpr int32_t kOpExists = 3;
inline constexpr int32_t kOpGetData = 4;
inline constexpr int32_t kOpGetAcl = 6;
inline constexpr int32_t kOpGetChildren = 8;  // children only: the form multiRead takes
inline constexpr int32_t kOpSync = 9;
inline constexpr int32_t kOpPing = 11;
inline constexpr int32_t kOpGetChildren2 = 12;  // children and the node's Stat
inline constexpr int32_t kOpMultiRead = 22;     // ZooKeeper 3.6+
inline constexpr int32_t kOpAuth = 100;

// Xids the protocol reserves; requests use 1, 2, 3, ...
inline constexpr int32_t kNotificationXid = -1;
inline constexpr int32_t kPingXid = -2;
inline constexpr int32_t kAuthXid = -4;

// The largest frame Baton keeps. ZooKeeper caps a node's data at its
// jute.maxbuffer (1 MB by default) but not a reply: a multiRead reply holds
// many nodes, so the caller bounds its batches far below this, and a reply
// over it is skipped unread (kErrReplyTooLarge).
inline constexpr size_t kMaxFrameBytes = 64u << 20;
// Baton's own error code, never ZooKeeper's: the reply was over the
// session's frame limit and was skipped unread (WireSession::Receive).
inline constexpr int32_t kErrReplyTooLarge = -1000;
// The most entries one vector in a reply may claim (children, ACL entries);
// the frame's size bounds them first in practice.
inline constexpr int32_t kMaxEntries = 1 << 24;
inline constexpr size_t kPasswordBytes = 16;
inline constexpr size_t kReplyHeaderBytes = 16;
inline constexpr size_t kStatBytes = 68;

// `body` with its length in front.
std::string Framed(std::string_view body);
// The length a frame's 4-byte prefix announces; throws if it is negative
// or over `max_bytes`.
size_t FrameLength(std::string_view prefix, size_t max_bytes = kMaxFrameBytes);

struct ConnectRequest {
  int64_t last_zxid_seen = 0;
  int32_t timeout_ms = 0;
  int64_t session_id = 0;  // 0: a new session
  std::string password = std::string(kPasswordBytes, '\0');
  bool read_only = false;
};
// The framed request (protocol version 0).
std::string Encode(const ConnectRequest& request);

struct ConnectResponse {
  int32_t protocol_version = 0;
  int32_t timeout_ms = 0;  // the negotiated timeout; <= 0: the session expired
  int64_t session_id = 0;
  std::string password;
  bool read_only = false;  // servers before 3.4 leave it out
};
ConnectResponse DecodeConnectResponse(std::string_view body);

// One op of a multiRead: kOpGetData or kOpGetChildren.
struct ReadOp {
  int32_t type = kOpGetData;
  std::string path;
};

struct Request {
  int32_t type = kOpPing;
  std::string path;         // every op but ping, auth, closeSession, multiRead
  std::vector<ReadOp> ops;  // multiRead
  std::string auth;         // auth: "user:password", scheme "digest"
};
// The framed request: header (xid, type) and the op's record. The watch
// flag of reads is always false: Baton's read path sets no watches.
std::string EncodeRequest(int32_t xid, const Request& request);

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;  // ZOK, or a ZooKeeper error code (ZNONODE, ...)
};

// A reply frame, its header decoded; body() is what follows the header.
struct Reply {
  ReplyHeader header;
  std::string frame;
  size_t skipped_bytes = 0;  // kErrReplyTooLarge: the size the frame announced
  std::string_view body() const { return std::string_view(frame).substr(kReplyHeaderBytes); }
};
Reply DecodeReply(std::string frame);

struct DataReply {
  std::string data;
  Stat stat{};
};
struct ChildrenReply {
  std::vector<std::string> children;  // in the server's order
  Stat stat{};
};
struct AclEntry {
  int32_t perms = 0;
  std::string scheme, id;
};
struct AclReply {
  std::vector<AclEntry> acl;
  Stat stat{};
};
// One op's result in a multiRead reply, in the order of the ops sent.
struct MultiResult {
  int32_t type = kOpError;            // kOpGetData, kOpGetChildren, or kOpError
  int32_t err = ZOK;                  // the op's error when type is kOpError
  std::string data;                   // kOpGetData
  Stat stat{};                        // kOpGetData
  std::vector<std::string> children;  // kOpGetChildren, in the server's order
};

// Decoders of the body of a reply whose header.err is ZOK.
DataReply DecodeGetData(std::string_view body);
ChildrenReply DecodeGetChildren2(std::string_view body);
Stat DecodeExists(std::string_view body);
AclReply DecodeGetAcl(std::string_view body);
std::string DecodeSync(std::string_view body);  // the path synced
// Refuses more than `max_results` results (the number of ops sent).
std::vector<MultiResult> DecodeMultiRead(std::string_view body, size_t max_results);

}  // namespace baton::zk::wire
