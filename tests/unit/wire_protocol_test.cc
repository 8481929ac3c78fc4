#include <gtest/gtest.h>

#include <string>

#include "baton/error.h"
#include "zk/wire/jute.h"
#include "zk/wire/protocol.h"

namespace baton::zk::wire {
namespace {

using namespace std::string_literals;

void PutStat(Encoder& out, int64_t zxid, int32_t data_length, int32_t num_children) {
  out.Long(zxid);      // czxid
  out.Long(zxid + 1);  // mzxid
  out.Long(1000);      // ctime
  out.Long(2000);      // mtime
  out.Int(3);          // version
  out.Int(4);          // cversion
  out.Int(5);          // aversion
  out.Long(0);         // ephemeralOwner
  out.Int(data_length);
  out.Int(num_children);
  out.Long(zxid + 2);  // pzxid
}

void PutMultiHeader(Encoder& out, int32_t type, bool done, int32_t err) {
  out.Int(type);
  out.Bool(done);
  out.Int(err);
}

// A multiRead reply: getData "v" of /a, children x, y of /b, ZNONODE.
std::string MultiReply() {
  Encoder out;
  PutMultiHeader(out, kOpGetData, false, 0);
  out.Buffer("v");
  PutStat(out, 10, 1, 0);
  PutMultiHeader(out, kOpGetChildren, false, 0);
  out.VectorSize(2);
  out.String("x");
  out.String("y");
  PutMultiHeader(out, kOpError, false, ZNONODE);
  out.Int(ZNONODE);
  PutMultiHeader(out, -1, true, -1);
  return out.Take();
}

TEST(WireProtocol, FramesRequestsExactly) {
  EXPECT_EQ(EncodeRequest(7, Request{kOpGetData, "/a", {}, ""}),
            "\0\0\0\x0f\0\0\0\x07\0\0\0\x04\0\0\0\x02/a\0"s);
  EXPECT_EQ(EncodeRequest(kPingXid, Request{}), "\0\0\0\x08\xff\xff\xff\xfe\0\0\0\x0b"s);
  EXPECT_EQ(EncodeRequest(3, Request{kOpSync, "/", {}, ""}),
            "\0\0\0\x0d\0\0\0\x03\0\0\0\x09\0\0\0\x01/"s);
}

TEST(WireProtocol, EncodesAuthAndMultiRead) {
  std::string auth = EncodeRequest(kAuthXid, Request{kOpAuth, "", {}, "u:p"});
  Decoder in(std::string_view(auth).substr(4), "t");
  EXPECT_EQ(in.Int(), kAuthXid);
  EXPECT_EQ(in.Int(), kOpAuth);
  EXPECT_EQ(in.Int(), 0);
  EXPECT_EQ(in.String(), "digest");
  EXPECT_EQ(in.Buffer(), "u:p");
  in.ExpectEnd();

  std::string multi =
      EncodeRequest(9, Request{kOpMultiRead, "", {{kOpGetData, "/a"}, {kOpGetChildren, "/b"}}, ""});
  EXPECT_EQ(FrameLength(multi), multi.size() - 4);
  Decoder m(std::string_view(multi).substr(4), "t");
  EXPECT_EQ(m.Int(), 9);
  EXPECT_EQ(m.Int(), kOpMultiRead);
  for (auto [type, path] : {std::pair{kOpGetData, "/a"}, std::pair{kOpGetChildren, "/b"}}) {
    EXPECT_EQ(m.Int(), type);
    EXPECT_FALSE(m.Bool());
    EXPECT_EQ(m.Int(), -1);
    EXPECT_EQ(m.String(), path);
    EXPECT_FALSE(m.Bool());
  }
  EXPECT_EQ(m.Int(), -1);
  EXPECT_TRUE(m.Bool());
  EXPECT_EQ(m.Int(), -1);
  m.ExpectEnd();
}

TEST(WireProtocol, EncodesTheConnectRequest) {
  ConnectRequest request;
  request.timeout_ms = 10000;
  std::string frame = Encode(request);
  EXPECT_EQ(frame.size(), 4u + 4 + 8 + 4 + 8 + 4 + 16 + 1);
  EXPECT_EQ(FrameLength(frame), frame.size() - 4);
  Decoder in(std::string_view(frame).substr(4), "t");
  EXPECT_EQ(in.Int(), 0);
  EXPECT_EQ(in.Long(), 0);
  EXPECT_EQ(in.Int(), 10000);
  EXPECT_EQ(in.Long(), 0);
  EXPECT_EQ(in.Buffer(), std::string(16, '\0'));
  EXPECT_FALSE(in.Bool());
}

TEST(WireProtocol, DecodesTheConnectResponseWithAndWithoutReadOnly) {
  Encoder out;
  out.Int(0);
  out.Int(4000);
  out.Long(0x1234);
  out.Buffer(std::string(16, 'p'));
  ConnectResponse old = DecodeConnectResponse(out.bytes());
  EXPECT_EQ(old.timeout_ms, 4000);
  EXPECT_EQ(old.session_id, 0x1234);
  EXPECT_EQ(old.password, std::string(16, 'p'));
  EXPECT_FALSE(old.read_only);
  out.Bool(true);
  EXPECT_TRUE(DecodeConnectResponse(out.bytes()).read_only);
  EXPECT_THROW(DecodeConnectResponse(out.bytes().substr(0, 10)), Error);
}

TEST(WireProtocol, RefusesBadFrameLengths) {
  EXPECT_EQ(FrameLength("\0\0\x01\0"s), 256u);
  EXPECT_THROW(FrameLength("\xff\xff\xff\xff"s), Error);
  EXPECT_THROW(FrameLength("\0\0\x01\0"s, 255), Error);
  EXPECT_THROW(FrameLength("\0\0\x01"s), Error);
}

TEST(WireProtocol, DecodesHeadersAndData) {
  Encoder header;
  header.Int(5);
  header.Long(77);
  header.Int(ZNONODE);
  Reply reply = DecodeReply(header.Take() + "rest");
  EXPECT_EQ(reply.header.xid, 5);
  EXPECT_EQ(reply.header.zxid, 77);
  EXPECT_EQ(reply.header.err, ZNONODE);
  EXPECT_EQ(reply.body(), "rest");
  EXPECT_THROW(DecodeReply("\0\0\0\x05"s), Error);

  Encoder data;
  data.Buffer("hello");
  PutStat(data, 100, 5, 2);
  DataReply got = DecodeGetData(data.bytes());
  EXPECT_EQ(got.data, "hello");
  EXPECT_EQ(got.stat.czxid, 100);
  EXPECT_EQ(got.stat.mzxid, 101);
  EXPECT_EQ(got.stat.pzxid, 102);
  EXPECT_EQ(got.stat.version, 3);
  EXPECT_EQ(got.stat.aversion, 5);
  EXPECT_EQ(got.stat.dataLength, 5);
  EXPECT_EQ(got.stat.numChildren, 2);
}

TEST(WireProtocol, DecodesListingsStatsAclsAndSync) {
  Encoder children;
  children.VectorSize(2);
  children.String("b");
  children.String("a");
  PutStat(children, 1, 0, 2);
  ChildrenReply list = DecodeGetChildren2(children.bytes());
  EXPECT_EQ(list.children, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(list.stat.numChildren, 2);

  Encoder stat;
  PutStat(stat, 9, 0, 0);
  EXPECT_EQ(DecodeExists(stat.bytes()).mzxid, 10);

  Encoder acl;
  acl.VectorSize(1);
  acl.Int(31);
  acl.String("digest");
  acl.String("u:hash");
  PutStat(acl, 1, 0, 0);
  AclReply entries = DecodeGetAcl(acl.bytes());
  ASSERT_EQ(entries.acl.size(), 1u);
  EXPECT_EQ(entries.acl[0].perms, 31);
  EXPECT_EQ(entries.acl[0].scheme, "digest");
  EXPECT_EQ(entries.acl[0].id, "u:hash");

  Encoder sync;
  sync.String("/x");
  EXPECT_EQ(DecodeSync(sync.bytes()), "/x");
}

TEST(WireProtocol, DecodesAMultiReadReply) {
  std::vector<MultiResult> results = DecodeMultiRead(MultiReply(), 3);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].type, kOpGetData);
  EXPECT_EQ(results[0].err, ZOK);
  EXPECT_EQ(results[0].data, "v");
  EXPECT_EQ(results[0].stat.mzxid, 11);
  EXPECT_EQ(results[1].type, kOpGetChildren);
  EXPECT_EQ(results[1].children, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(results[2].type, kOpError);
  EXPECT_EQ(results[2].err, ZNONODE);
}

TEST(WireProtocol, RefusesMoreResultsThanOps) {
  EXPECT_THROW(DecodeMultiRead(MultiReply(), 2), Error);
}

TEST(WireProtocol, RefusesEveryTruncationOfAReply) {
  std::string whole = MultiReply();
  for (size_t size = 0; size < whole.size(); ++size) {
    EXPECT_THROW(DecodeMultiRead(whole.substr(0, size), 3), Error) << size;
  }
  Encoder data;
  data.Buffer("hello");
  PutStat(data, 1, 5, 0);
  for (size_t size = 0; size < data.bytes().size(); ++size) {
    EXPECT_THROW(DecodeGetData(data.bytes().substr(0, size)), Error) << size;
  }
}

TEST(WireProtocol, RefusesMalformedReplies) {
  Encoder bad_type;
  PutMultiHeader(bad_type, kOpSync, false, 0);
  EXPECT_THROW(DecodeMultiRead(bad_type.bytes(), 3), Error);

  Encoder ok_error;  // an error result must carry an error
  PutMultiHeader(ok_error, kOpError, false, 0);
  ok_error.Int(0);
  PutMultiHeader(ok_error, -1, true, -1);
  EXPECT_THROW(DecodeMultiRead(ok_error.bytes(), 3), Error);

  Encoder huge_count;  // claims more children than the bytes could hold
  huge_count.VectorSize(1000000);
  huge_count.String("a");
  EXPECT_THROW(DecodeGetChildren2(huge_count.bytes()), Error);

  Encoder long_data;  // a length past the frame
  long_data.Int(1 << 30);
  long_data.Buffer("x");
  EXPECT_THROW(DecodeGetData(long_data.bytes()), Error);
}

}  // namespace
}  // namespace baton::zk::wire
