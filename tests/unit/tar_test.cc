#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "archive/tar_reader.h"
#include "archive/tar_writer.h"
#include "baton/error.h"
#include "support/memory_storage.h"

namespace baton::archive {
namespace {

using ::testing::HasSubstr;

using testing::MemorySink;
using testing::MemorySource;

struct NameData {
  std::string name, data;
};

std::string Write(const std::vector<NameData>& entries) {
  MemorySink sink;
  TarWriter writer(sink, 1500000000);
  for (const auto& e : entries) writer.Add(e.name, e.data);
  writer.Finish();
  return sink.bytes;
}

std::vector<TarEntry> Read(const std::string& bytes) {
  MemorySource source(bytes);
  TarReader reader(source, 8 << 20);
  std::vector<TarEntry> out;
  TarEntry e;
  while (reader.Next(e)) out.push_back(e);
  return out;
}

// The type flag of every 512-byte header in an uncompressed tar.
std::string TypeFlags(const std::string& tar) {
  std::string flags;
  size_t pos = 0;
  while (pos + 512 <= tar.size() && tar[pos] != '\0') {
    char type = tar[pos + 156];
    flags += type;
    size_t size = std::strtoull(tar.substr(pos + 124, 12).c_str(), nullptr, 8);
    pos += 512 + (size + 511) / 512 * 512;
  }
  return flags;
}

TEST(Tar, RoundTripsNamesAndBinaryData) {
  std::string long_name = "apps/versions/_" + std::string(200, 'l') + "/2017-08-08T12:34:56.500Z";
  std::vector<NameData> entries = {
      {"apps/items/_prod_web", std::string("\0\x01\xff\n", 4)},
      {"apps/items/caf\xC3\xA9", ""},
      {long_name, "long"},
      {"group/items/_big", std::string(1 << 20, 'b')},
  };
  auto back = Read(Write(entries));
  ASSERT_EQ(back.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(back[i].name, entries[i].name);
    EXPECT_EQ(back[i].data, entries[i].data);
  }
}

TEST(Tar, LongNamesUseGnuRecordsAndNoPaxHeaders) {
  std::string long_name = "apps/items/_" + std::string(150, 'x');
  std::string tar = Write({{"apps/items/short", "1"}, {long_name, "2"}});
  // '0' regular file, 'L' GNU long name; never 'x' or 'g' (PAX), which
  // Marathon's reader refuses.
  EXPECT_EQ(TypeFlags(tar), "0L0");
  EXPECT_EQ(tar.size() % 10240, 0u);
  // Mode 0644, written as octal in the header.
  EXPECT_EQ(tar.substr(100, 7), "0000644");
}

TEST(Tar, EmptyArchiveIsValid) { EXPECT_TRUE(Read(Write({})).empty()); }

TEST(Tar, RefusesTruncation) {
  std::string tar = Write({{"a/items/1", std::string(2000, 'x')}, {"a/items/2", "y"}});
  // Inside the first entry's data.
  EXPECT_THROW(Read(tar.substr(0, 1000)), Error);
  // Inside a header.
  EXPECT_THROW(Read(tar.substr(0, 512 + 2048 + 100)), Error);
  // Exactly between two entries: no end-of-archive marker.
  EXPECT_THROW(Read(tar.substr(0, 512 + 2048)), Error);
  // After the last entry, without the end-of-archive marker.
  EXPECT_THROW(Read(tar.substr(0, 512 + 2048 + 1024)), Error);
  // Empty input.
  EXPECT_THROW(Read(""), Error);
  // With the end-of-archive blocks, it is complete.
  EXPECT_EQ(Read(tar.substr(0, 512 + 2048 + 1024 + 1024)).size(), 2u);
}

TEST(Tar, RefusesCorruptHeaders) {
  std::string tar = Write({{"a/items/1", "x"}});
  tar[0] ^= 0x20;  // the checksum no longer matches
  EXPECT_THROW(Read(tar), Error);
}

TEST(Tar, RefusesOversizedEntriesBeforeReadingThem) {
  std::string tar = Write({{"a/items/1", std::string(9 << 20, 'x')}});
  try {
    Read(tar);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("larger than the limit"));
  }
}

TEST(Tar, SinkErrorsSurfaceAsTheirOwnMessage) {
  class FailingSink : public BackupSink {
   public:
    void Write(const void*, size_t) override { throw Error("disk full"); }
    void Commit() override {}
  } sink;
  try {
    TarWriter writer(sink, 0);
    writer.Add("a/items/1", std::string(20000, 'x'));
    writer.Finish();
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
}

}  // namespace
}  // namespace baton::archive
