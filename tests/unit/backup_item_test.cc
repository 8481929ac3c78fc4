#include "layout/marathon/backup_item.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "baton/error.h"
#include "zk/node_name.h"

namespace baton::marathon {
namespace {

using ::testing::HasSubstr;

TEST(BackupItem, ParsesItemsAndVersions) {
  BackupItem item = BackupItem::FromEntryName("apps/items/_prod_web");
  EXPECT_EQ(item.category, "apps");
  EXPECT_EQ(item.id, "_prod_web");
  EXPECT_FALSE(item.version);
  EXPECT_EQ(item.NodePath("/m/state"), "/m/state/apps/5/_prod_web");

  BackupItem version =
      BackupItem::FromEntryName("apps/versions/_prod_web/2017-08-08T12:34:56.500Z");
  ASSERT_TRUE(version.version);
  EXPECT_EQ(version.NodePath("/m/state"), "/m/state/apps/5/_prod_web/2017-08-08T12:34:56.5Z");
  EXPECT_EQ(version.EntryName(), "apps/versions/_prod_web/2017-08-08T12:34:56.500Z");
}

TEST(BackupItem, StorageVersionSitsUnderTheRoot) {
  BackupItem item =
      BackupItem::FromEntryName("internal:storage:version/items/internal:storage:version");
  EXPECT_TRUE(item.is_storage_version());
  EXPECT_EQ(item.NodePath("/m/state"), "/m/state/internal:storage:version");
}

TEST(BackupItem, RefusesNamesMarathonWouldRefuse) {
  const char* bad[] = {
      "apps",
      "apps/",
      "/items/x",
      "apps/items/",
      "apps/other/x",
      "apps/versions/x",
      "apps/versions/x/",
      "apps/versions/x/not-a-time",
      "apps/items/a/b",  // ids never contain '/'
      "apps/items/..",   // not a legal node name
      "../items/x",
      "apps/items/x\x01y",            // control character
      "apps/items/\xC3",              // truncated UTF-8
      "apps/items/\xEF\xBF\xBF",      // U+FFFF, refused by ZooKeeper
      "apps/items/\xF0\x9F\x98\x80",  // outside the BMP: refused by ZooKeeper
      "internal:storage:version/versions/internal:storage:version/2017-08-08T12:34Z",
  };
  for (const char* name : bad) {
    EXPECT_THROW(BackupItem::FromEntryName(name), Error) << name;
  }
}

TEST(BackupItem, ErrorNamesTheEntry) {
  try {
    BackupItem::FromEntryName("apps/nope/x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("apps/nope/x"));
  }
}

TEST(NodeName, AcceptsUnicodeAndPunctuation) {
  EXPECT_TRUE(zk::IsValidNodeName("caf\xC3\xA9"));
  EXPECT_FALSE(zk::IsValidNodeName("\xF0\x9F\x98\x80"));  // a surrogate pair in Java
  EXPECT_TRUE(zk::IsValidNodeName("internal:storage:version"));
  EXPECT_TRUE(zk::IsValidNodeName("..."));
  EXPECT_FALSE(zk::IsValidNodeName(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace baton::marathon
