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

}  // namespace
}  // namespace baton::zk
