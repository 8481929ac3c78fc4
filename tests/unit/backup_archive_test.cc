// Baton's archive format: checksums per entry, the manifest last, optional
// compression, and every way a damaged backup must be refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "archive/backup_reader.h"
#include "archive/backup_writer.h"
#include "baton/error.h"
#include "support/memory_storage.h"

namespace baton::archive {
namespace {

using ::testing::HasSubstr;

using testing::MemorySink;
using testing::MemorySource;

std::string Write(ArchiveFormat format, Compression compression = Compression::kNone) {
  MemorySink sink;
  BackupWriter writer(sink, 1500000000, format, compression);
  writer.Add("apps/items/_web", "{\"id\": \"/web\"}");
  writer.Add("apps/versions/_web/2020-01-01T00:00Z", "v1");
  writer.Add("group/items/_big", std::string(100000, 'x'));
  Manifest manifest;
  manifest.items = 2;  // the layout's counts, recorded as given
  manifest.versions = 1;
  manifest.tool = "test";
  manifest.zk_path = "/marathon";
  writer.Finish(manifest);
  return sink.bytes;
}

// Reads every entry; returns the names, and the manifest through `manifest`.
std::vector<std::string> Read(const std::string& bytes,
                              std::optional<Manifest>* manifest = nullptr) {
  MemorySource source(bytes);
  BackupReader reader(source, 1 << 20);
  std::vector<std::string> names;
  TarEntry entry;
  while (reader.Next(entry)) names.push_back(entry.name);
  if (manifest) *manifest = reader.manifest();
  return names;
}

std::string ReadError(const std::string& bytes) {
  try {
    Read(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const std::vector<std::string> kNames = {"apps/items/_web", "apps/versions/_web/2020-01-01T00:00Z",
                                         "group/items/_big"};

TEST(BackupArchive, BatonFormatRoundTripsWithItsManifest) {
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    std::optional<Manifest> manifest;
    EXPECT_EQ(Read(Write(ArchiveFormat::kBaton, c), &manifest), kNames);
    ASSERT_TRUE(manifest);
    EXPECT_EQ(manifest->entries, 3u);
    EXPECT_EQ(manifest->items, 2u);
    EXPECT_EQ(manifest->versions, 1u);
    EXPECT_EQ(manifest->bytes, 100000u + 14 + 2);
    EXPECT_EQ(manifest->zk_path, "/marathon");
    EXPECT_EQ(manifest->compression, CompressionName(c));
  }
  // Compression works: 100 KB of 'x' shrink.
  EXPECT_LT(Write(ArchiveFormat::kBaton, Compression::kZstd).size(), 10000u);
}

TEST(BackupArchive, MarathonFormatHasNoManifestAndStillReads) {
  std::optional<Manifest> manifest;
  EXPECT_EQ(Read(Write(ArchiveFormat::kMarathon), &manifest), kNames);
  EXPECT_FALSE(manifest);
  MemorySink sink;
  EXPECT_THROW(BackupWriter(sink, 0, ArchiveFormat::kMarathon, Compression::kGzip), Error);
}

TEST(BackupArchive, AChangedByteIsCaughtByItsChecksum) {
  std::string bytes = Write(ArchiveFormat::kBaton);
  size_t at = bytes.find("xxxxxxxx");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 5000] = 'y';  // inside group/items/_big; the tar structure is intact
  EXPECT_THAT(ReadError(bytes), HasSubstr("'group/items/_big' is corrupt"));
}

// Rewrites a backup's raw tar entries, except those `drop` refuses.
std::string Rewrite(const std::string& bytes, const std::function<bool(const TarEntry&)>& drop) {
  MemorySource source(bytes);
  TarReader reader(source, 1 << 20);
  MemorySink sink;
  TarWriter writer(sink, 0, TarFormat::kPax);
  TarEntry entry;
  while (reader.Next(entry)) {
    if (!drop(entry)) writer.Add(entry.name, entry.data, entry.attributes);
  }
  writer.Finish();
  return sink.bytes;
}

TEST(BackupArchive, AMissingManifestMeansIncomplete) {
  // A complete tar, but without the manifest.
  std::string cut = Rewrite(Write(ArchiveFormat::kBaton),
                            [](const TarEntry& e) { return e.name == kManifestEntry; });
  EXPECT_THAT(ReadError(cut), HasSubstr("no manifest"));
}

TEST(BackupArchive, AMissingEntryIsCaughtByTheManifest) {
  std::string cut = Rewrite(Write(ArchiveFormat::kBaton),
                            [](const TarEntry& e) { return e.name == "apps/items/_web"; });
  EXPECT_THAT(ReadError(cut), HasSubstr("its manifest says 3"));
}

TEST(BackupArchive, AManifestThatDisagreesIsRefused) {
  std::string bytes = Write(ArchiveFormat::kBaton);
  size_t at = bytes.find("\"entries\": 3");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 11] = '4';
  EXPECT_THAT(ReadError(bytes), HasSubstr("its manifest says 4"));
}

TEST(BackupArchive, ManifestJsonRoundTripsAndRefusesNewerFormats) {
  Manifest m;
  m.tool = "baton 0.1.0";
  m.zxid_start = 5;
  m.zxid_end = 0x100000007;
  m.storage_version = "1.10.100";
  Manifest back = Manifest::FromJson(m.ToJson());
  EXPECT_EQ(back.zxid_end, 0x100000007);
  EXPECT_EQ(back.storage_version, "1.10.100");
  std::string newer = m.ToJson();
  newer.replace(newer.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  EXPECT_THROW(Manifest::FromJson(newer), Error);
  EXPECT_THROW(Manifest::FromJson("{}"), Error);
}

// Found by the manifest fuzzer: a field of the wrong type escaped as nlohmann's
// type_error and ended the process instead of being refused.
TEST(BackupArchive, AManifestWithFieldsOfTheWrongTypeIsRefused) {
  EXPECT_THROW(Manifest::FromJson(R"({"format": 1})"), Error);
  EXPECT_THROW(Manifest::FromJson(R"({"format": ["baton"]})"), Error);
  std::string wrong_acls = Manifest().ToJson();
  wrong_acls.replace(wrong_acls.find("\"acls\": false"), 13, "\"acls\": \"no\"");
  EXPECT_THROW(Manifest::FromJson(wrong_acls), Error);
}

TEST(Compression, BySuffixOrByName) {
  EXPECT_EQ(CompressionForPath("/b/x.tar.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionForPath("/b/x.tgz"), Compression::kGzip);
  EXPECT_EQ(CompressionForPath("/b/x.tar.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionForPath("/b/x.tar"), Compression::kNone);
  EXPECT_EQ(ParseCompression("zstd"), Compression::kZstd);
  EXPECT_THROW(ParseCompression("lz4"), Error);
}

}  // namespace
}  // namespace baton::archive
