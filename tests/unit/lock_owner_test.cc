// A lock node's data is written by whoever holds the lock; whatever it holds,
// reading it describes the holder and never throws.
#include <gtest/gtest.h>

#include "zk/exclusive_lock.h"

namespace baton::zk {
namespace {

TEST(LockOwner, ReadsWhatAHolderWrote) {
  LockOwner owner = LockOwner::Parse(
      "/m/lock/l-1", R"({"what":"baton restore","host":"h","pid":12,"since":"2026-11-28"})");
  EXPECT_EQ(owner.Describe(), "baton restore (pid 12 on h, since 2026-11-28)");
}

TEST(LockOwner, FieldsOfTheWrongTypeAreUnknownNotAnException) {
  LockOwner owner;
  ASSERT_NO_THROW(owner = LockOwner::Parse("/m/lock/l-1",
                                           R"({"what":7,"host":"h","pid":"twelve","since":[]})"));
  EXPECT_EQ(owner.host, "h");
  EXPECT_EQ(owner.pid, 0);
  EXPECT_EQ(owner.what, "an unknown owner");
  ASSERT_NO_THROW(LockOwner::Parse("/m/lock/l-1", "not json"));
}

}  // namespace
}  // namespace baton::zk
