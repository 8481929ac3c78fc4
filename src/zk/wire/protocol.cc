#include "zk/wire/protocol.h"

#include "baton/error.h"
#include "zk/wire/jute.h"

namespace baton::zk::wire {
namespace {

// The smallest encodings, to bound counts by the bytes left.
constexpr size_t kMinStringBytes = 4;
constexpr size_t kMinAclBytes = 12;  // perms and two empty strings

Stat DecodeStat(Decoder& in) {
  Stat stat{};
  stat.czxid = in.Long();
  stat.mzxid = in.Long();
  stat.ctime = in.Long();
  stat.mtime = in.Long();
  stat.version = in.Int();
  stat.cversion = in.Int();
  stat.aversion = in.Int();
  stat.ephemeralOwner = in.Long();
  stat.dataLength = in.Int();
  stat.numChildren = in.Int();
  stat.pzxid = in.Long();
  return stat;
}

std::vector<std::string> DecodeStrings(Decoder& in) {
  int32_t count = in.VectorSize(kMaxEntries, kMinStringBytes);
  std::vector<std::string> strings;
  strings.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) strings.push_back(in.String());
  return strings;
}

void EncodeMultiRead(Encoder& out, const std::vector<ReadOp>& ops) {
  for (const ReadOp& op : ops) {
    // MultiHeader{type, done = false, err = -1}, then the op's request.
    out.Int(op.type);
    out.Bool(false);
    out.Int(-1);
    out.String(op.path);
    out.Bool(false);  // watch: GetDataRequest and GetChildrenRequest alike
  }
  out.Int(-1);  // the closing MultiHeader{-1, done = true, -1}
  out.Bool(true);
  out.Int(-1);
}

}  // namespace

std::string Framed(std::string_view body) {
  Encoder out;
  out.Buffer(body);
  return out.Take();
}

size_t FrameLength(std::string_view prefix, size_t max_bytes) {
  Decoder in(prefix, "frame length");
  int32_t length = in.Int();
  if (length < 0) in.Malformed("negative length");
  if (static_cast<size_t>(length) > max_bytes) {
    throw Error("a reply from ZooKeeper of " + std::to_string(length) + " bytes exceeds " +
                    std::to_string(max_bytes),
                ErrorKind::kUnavailable);
  }
  return static_cast<size_t>(length);
}

std::string Encode(const ConnectRequest& request) {
  Encoder out;
  out.Int(0);  // protocol version
  out.Long(request.last_zxid_seen);
  out.Int(request.timeout_ms);
  out.Long(request.session_id);
  out.Buffer(request.password);
  out.Bool(request.read_only);
  return Framed(out.bytes());
}

ConnectResponse DecodeConnectResponse(std::string_view body) {
  Decoder in(body, "connect response");
  ConnectResponse response;
  response.protocol_version = in.Int();
  response.timeout_ms = in.Int();
  response.session_id = in.Long();
  response.password = in.Buffer();
  if (in.remaining() > 0) response.read_only = in.Bool();
  return response;
}

std::string EncodeRequest(int32_t xid, const Request& request) {
  Encoder out;
  out.Int(xid);
  out.Int(request.type);
  switch (request.type) {
    case kOpExists:
    case kOpGetData:
    case kOpGetChildren:
    case kOpGetChildren2:
      out.String(request.path);
      out.Bool(false);  // watch
      break;
    case kOpGetAcl:
    case kOpSync:
      out.String(request.path);
      break;
    case kOpMultiRead:
      EncodeMultiRead(out, request.ops);
      break;
    case kOpAuth:
      out.Int(0);  // AuthPacket.type, unused by the server
      out.String("digest");
      out.Buffer(request.auth);
      break;
    case kOpPing:
    case kOpCloseSession:
      break;
    default:
      throw Error("Baton's ZooKeeper read path has no op " + std::to_string(request.type));
  }
  return Framed(out.bytes());
}

Reply DecodeReply(std::string frame) {
  Reply reply;
  Decoder in(frame, "reply header");
  reply.header.xid = in.Int();
  reply.header.zxid = in.Long();
  reply.header.err = in.Int();
  reply.frame = std::move(frame);
  return reply;
}

DataReply DecodeGetData(std::string_view body) {
  Decoder in(body, "getData reply");
  DataReply reply;
  reply.data = in.Buffer();
  reply.stat = DecodeStat(in);
  return reply;
}

ChildrenReply DecodeGetChildren2(std::string_view body) {
  Decoder in(body, "getChildren2 reply");
  ChildrenReply reply;
  reply.children = DecodeStrings(in);
  reply.stat = DecodeStat(in);
  return reply;
}

Stat DecodeExists(std::string_view body) {
  Decoder in(body, "exists reply");
  return DecodeStat(in);
}

AclReply DecodeGetAcl(std::string_view body) {
  Decoder in(body, "getACL reply");
  AclReply reply;
  int32_t count = in.VectorSize(kMaxEntries, kMinAclBytes);
  reply.acl.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    AclEntry entry;
    entry.perms = in.Int();
    entry.scheme = in.String();
    entry.id = in.String();
    reply.acl.push_back(std::move(entry));
  }
  reply.stat = DecodeStat(in);
  return reply;
}

std::string DecodeSync(std::string_view body) {
  Decoder in(body, "sync reply");
  return in.String();
}

std::vector<MultiResult> DecodeMultiRead(std::string_view body, size_t max_results) {
  Decoder in(body, "multiRead reply");
  std::vector<MultiResult> results;
  for (;;) {
    MultiResult result;
    result.type = in.Int();
    bool done = in.Bool();
    result.err = in.Int();
    if (done) break;
    if (results.size() >= max_results) in.Malformed("more results than ops");
    if (result.type == kOpGetData) {
      result.err = ZOK;
      result.data = in.Buffer();
      result.stat = DecodeStat(in);
    } else if (result.type == kOpGetChildren) {
      result.err = ZOK;
      result.children = DecodeStrings(in);
    } else if (result.type == kOpError) {
      result.err = in.Int();  // ErrorResponse, the same code as the header's
      if (result.err == ZOK) in.Malformed("an error result without an error");
    } else {
      in.Malformed("unexpected op type " + std::to_string(result.type));
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace baton::zk::wire
