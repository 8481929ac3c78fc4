// LineSpill: lines written in one pass come back in order, whole, in the
// next, however many there are and wherever the file's chunks cut them.
#include "util/line_spill.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton::util {
namespace {

std::vector<std::string> ReadAll(LineSpill& spill) {
  std::vector<std::string> lines;
  std::string line;
  while (spill.Next(line)) lines.push_back(line);
  return lines;
}

TEST(LineSpill, GivesBackEveryLineInOrderAcrossChunks) {
  LineSpill spill;
  std::vector<std::string> written;
  // 64 KiB chunks: lines of up to ~1 KB, ~5 MB in all, cut anywhere.
  for (int i = 0; i < 10000; ++i) {
    written.push_back("/state/" + std::to_string(i) +
                      std::string(static_cast<size_t>(i % 997), 'x'));
    spill.Add(written.back());
  }
  written.push_back("");  // an empty line is a line
  spill.Add("");
  EXPECT_EQ(spill.lines(), written.size());
  spill.Rewind();
  EXPECT_EQ(ReadAll(spill), written);
  spill.Rewind();
  EXPECT_EQ(ReadAll(spill), written) << "read again after a second Rewind";
}

TEST(LineSpill, EmptyAndLongerThanAChunk) {
  LineSpill empty;
  empty.Rewind();
  EXPECT_EQ(ReadAll(empty), std::vector<std::string>{});

  LineSpill spill;
  const std::string huge(200000, 'z');  // three chunks
  spill.Add("a");
  spill.Add(huge);
  spill.Add("b");
  spill.Rewind();
  EXPECT_EQ(ReadAll(spill), (std::vector<std::string>{"a", huge, "b"}));
}

}  // namespace
}  // namespace baton::util
