// The text form of ACLs that Baton's archives carry.
#include "zk/acl.h"

#include <gtest/gtest.h>

#include "baton/error.h"

namespace baton::zk {
namespace {

TEST(Acl, TextRoundTripsThroughTheClientsForm) {
  std::string text = "31:digest:alice:Xk2+/abc=\n1:world:anyone\n5:ip:127.0.0.1/8";
  Acl acl = Acl::Parse(text);
  ASSERT_EQ(acl.get()->count, 3);
  EXPECT_EQ(acl.get()->data[0].perms, ZOO_PERM_ALL);
  EXPECT_STREQ(acl.get()->data[0].id.scheme, "digest");
  EXPECT_STREQ(acl.get()->data[0].id.id, "alice:Xk2+/abc=");  // ids may hold ':'
  EXPECT_EQ(Acl::ToText(*acl.get()), text);
  Acl copy = acl;  // a copy owns its own strings
  EXPECT_EQ(Acl::ToText(*copy.get()), text);
  EXPECT_NE(copy.get()->data[0].id.id, acl.get()->data[0].id.id);
}

TEST(Acl, OnlyTheWorldWithEveryPermissionIsOpen) {
  EXPECT_TRUE(Acl::IsOpen(*Acl::Parse("31:world:anyone").get()));
  EXPECT_FALSE(Acl::IsOpen(*Acl::Parse("1:world:anyone").get()));
  EXPECT_FALSE(Acl::IsOpen(*Acl::Parse("31:world:anyone\n1:ip:127.0.0.1").get()));
}

TEST(Acl, MalformedTextIsRefused) {
  for (const char* bad : {"", "world:anyone", "x:world:anyone", "31:world"}) {
    EXPECT_THROW(Acl::Parse(bad), Error) << bad;
  }
}

// The same answers as the real 3.8 server (ValidationTest.RefusedAcl, and
// AclsTheServerAcceptsAreRestored), plus permissions outside 1..31.
TEST(Acl, RefusalFollowsTheServer) {
  for (const char* good :
       {"31:world:anyone", "31:digest:alice:Xk2+/abc=", "31:digest::hash", "1:ip:10.0.0.0/8",
        "31:ip:127.0.0.1", "31:ip:127.0.0.1/0", "31:ip:127.0.0.1/32", "16:world:anyone"}) {
    EXPECT_EQ(Acl::Parse(good).Refusal(), "") << good;
  }
  for (const char* bad : {"31:world:nobody",    "31:auth:",
                          "31:digest:alice",    "31:digest:alice:",
                          "31:digest:a:b:c",    "31:digest::",
                          "31:ip:bad",          "31:ip:::1",
                          "31:ip:1.2.3",        "31:ip:300.1.1.1",
                          "31:ip:127.0.0.1/33", "31:ip:",
                          "31:sasl:bob",        "31:x509:CN=x",
                          "31:super:x",         "31:foo:bar",
                          "0:world:anyone",     "32:world:anyone",
                          "-1:world:anyone",    "31:world:anyone\n31:foo:bar"}) {
    EXPECT_NE(Acl::Parse(bad).Refusal(), "") << bad;
  }
}

// 3.6+ servers answer getACL with "digest:user:x" to a session without
// ADMIN on the node: a backup cannot record it, a restore cannot write it.
TEST(Acl, AHashTheServerHidIsNoAcl) {
  EXPECT_TRUE(Acl::IsMasked("31:digest:alice:x"));
  EXPECT_TRUE(Acl::IsMasked("1:world:anyone\n31:digest:alice:x"));
  EXPECT_TRUE(Acl::IsMasked("31:digest:alice:x\n1:world:anyone"));
  EXPECT_FALSE(Acl::IsMasked("31:digest:alice:V55/p2T0OpjQ+low3NVAH4aLvm0="));
  EXPECT_FALSE(Acl::IsMasked(""));
  EXPECT_FALSE(Acl::IsMasked("31:world:anyone"));
  EXPECT_NE(Acl::Parse("31:digest:alice:x").Refusal(), "");
  EXPECT_FALSE(Acl::Parse("1:world:anyone\n31:digest:alice:x").OpenTo(2));
  EXPECT_TRUE(Acl::Parse("7:world:anyone\n31:digest:alice:x").OpenTo(2 | 4));
}

TEST(Acl, WireBytesCountWhatTheRequestCarries) {
  // count, then per entry: perms, scheme and id with their lengths.
  EXPECT_EQ(Acl::Parse("31:world:anyone").WireBytes(), 4u + 4 + 4 + 5 + 4 + 6);
}

}  // namespace
}  // namespace baton::zk
