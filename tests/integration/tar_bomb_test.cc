// Tar bombs: small compressed files that unpack to millions of entries or to
// gigabytes. A restore refuses them while validating, before it touches the
// state, within bounded time and memory.
#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

// Writes a zstd-compressed tar of `count` entries of `size` zero bytes each,
// with valid Marathon names.
void WriteBomb(const std::string& path, uint64_t count, size_t size) {
  struct archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_ustar(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_add_filter_zstd(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  const std::string zeros(size, '\0');
  struct archive_entry* entry = archive_entry_new();
  for (uint64_t i = 0; i < count; ++i) {
    archive_entry_clear(entry);
    archive_entry_set_pathname(entry, ("apps/items/_bomb-" + std::to_string(i)).c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (size > 0) {
      ASSERT_EQ(archive_write_data(a, zeros.data(), size), static_cast<la_ssize_t>(size));
    }
  }
  archive_entry_free(entry);
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

class TarBombTest : public ZkTest {};

TEST_F(TarBombTest, MillionsOfTinyEntriesAreRefusedBeforeAnythingIsDeleted) {
  Populate(TreeShape{});
  Snapshot before = zk_.Take(state_);
  const std::string bomb = dir_ + "/bomb.tar.zst";
  WriteBomb(bomb, 2'000'100, 0);
  EXPECT_LT(std::filesystem::file_size(bomb), 20u << 20) << "not much of a bomb";

  auto started = std::chrono::steady_clock::now();
  RunResult r = Restore(bomb);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("more than 2000000 entries"));
  EXPECT_THAT(r.err, HasSubstr("--max_entries"));
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
  EXPECT_FALSE(zk_.Exists(root_ + "/restore-in-progress"));
  std::printf("refused a bomb of 2,000,100 entries (%llu bytes) in %.1f s\n",
              static_cast<unsigned long long>(std::filesystem::file_size(bomb)), seconds);
}

TEST_F(TarBombTest, GigabytesOfDataAreRefusedAtTheByteLimit) {
  Populate(TreeShape{});
  Snapshot before = zk_.Take(state_);
  const std::string bomb = dir_ + "/gigabytes.tar.zst";
  WriteBomb(bomb, 64, 1000 * 1000);  // 64 MB of zeros in a few kilobytes
  RunResult r = RunBaton({"restore", "--backup_location", "file://" + bomb, "--zk", zk_url_,
                          "--max_bytes", "32000000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("more than 32000000 bytes"));
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
}

}  // namespace
}  // namespace baton::testing
