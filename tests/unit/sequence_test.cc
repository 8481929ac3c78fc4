#include "zk/sequence.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton::zk {
namespace {

TEST(Sequence, IsTheLastTenCharacters) {
  EXPECT_EQ(SequenceOf("_c_0123abcd-latch-0000000042"), "0000000042");
  EXPECT_EQ(SequenceOf("lock-0000000007"), "0000000007");
  EXPECT_EQ(SequenceOf("member_0000000100"), "0000000100");
  EXPECT_EQ(SequenceOf("short"), "short");
}

// Curator prefixes each candidate with a random id: the name's order is not
// the candidates'.
TEST(Sequence, SortsByTheCounterNotTheName) {
  std::vector<std::string> names = {"_c_ffff-latch-0000000003", "_c_aaaa-latch-0000000011",
                                    "_c_0000-latch-0000000007", "_c_9999-latch-0000000001"};
  SortBySequence(names);
  EXPECT_EQ(names,
            (std::vector<std::string>{"_c_9999-latch-0000000001", "_c_ffff-latch-0000000003",
                                      "_c_0000-latch-0000000007", "_c_aaaa-latch-0000000011"}));
}

TEST(Sequence, SortsAMixOfPrefixesByTheCounter) {
  std::vector<std::string> names = {"member_0000000005", "_c_x-latch-0000000002",
                                    "lock-0000000004"};
  SortBySequence(names);
  EXPECT_EQ(names, (std::vector<std::string>{"_c_x-latch-0000000002", "lock-0000000004",
                                             "member_0000000005"}));
}

TEST(Sequence, KeepsTheOrderOfEqualCounters) {
  std::vector<std::string> names = {"b-0000000001", "a-0000000001"};
  SortBySequence(names);
  EXPECT_EQ(names, (std::vector<std::string>{"b-0000000001", "a-0000000001"}));
}

}  // namespace
}  // namespace baton::zk
