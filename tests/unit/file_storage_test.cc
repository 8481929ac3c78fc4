#include "storage/file_storage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "baton/error.h"
#include "support/test_env.h"

namespace baton::storage {
namespace {

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FileStorage, NothingVisibleUntilCommit) {
  std::string dir = testing::TempDir();
  FileStorage storage(dir + "/backup.tar");
  {
    auto sink = storage.Create();
    sink->Write("hello ", 6);
    sink->Write(std::string(3 << 20, 'x').data(), 3 << 20);  // larger than the buffer
    EXPECT_FALSE(std::filesystem::exists(dir + "/backup.tar"));
    sink->Commit();
  }
  EXPECT_EQ(Listing(dir), std::vector<std::string>{"backup.tar"});
  EXPECT_EQ(std::filesystem::file_size(dir + "/backup.tar"), 6u + (3u << 20));
  auto source = storage.Open();
  char buf[6];
  ASSERT_EQ(source->Read(buf, 6), 6u);
  EXPECT_EQ(std::string(buf, 6), "hello ");
  ASSERT_TRUE(source->Rewind());
  ASSERT_EQ(source->Read(buf, 6), 6u);
}

TEST(FileStorage, AbandonedWriteLeavesNoFileAndKeepsTheOldOne) {
  std::string dir = testing::TempDir();
  std::ofstream(dir + "/backup.tar") << "previous backup";
  FileStorage storage(dir + "/backup.tar");
  {
    auto sink = storage.Create();
    sink->Write("partial", 7);
  }  // no Commit: an error happened
  EXPECT_EQ(Listing(dir), std::vector<std::string>{"backup.tar"});
  EXPECT_EQ(Contents(dir + "/backup.tar"), "previous backup");
}

TEST(FileStorage, DevicesAndPipesAreWrittenStraight) {
  std::string dir = testing::TempDir();
  std::string fifo = dir + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread reader([&] { EXPECT_EQ(Contents(fifo), "streamed"); });
  {
    auto sink = FileStorage(fifo).Create();  // opens once the reader has
    sink->Write("streamed", 8);
    sink->Commit();
  }
  reader.join();
  EXPECT_EQ(Listing(dir), std::vector<std::string>{"pipe"});  // no temporary file

  auto null = FileStorage("/dev/null").Create();
  null->Write(std::string(3 << 20, 'x').data(), 3 << 20);
  EXPECT_NO_THROW(null->Commit());
}

TEST(FileStorage, MissingDirectoryIsAClearError) {
  FileStorage storage("/nonexistent-dir-for-baton/backup.tar");
  try {
    storage.Create();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("directory /nonexistent-dir-for-baton does not exist"),
              std::string::npos)
        << e.what();
  }
}

TEST(FileStorage, MissingFileIsAClearError) {
  FileStorage storage(testing::TempDir() + "/absent.tar");
  EXPECT_THROW(storage.Open(), Error);
}

TEST(FileStorage, DirectoryIsNotABackup) {
  std::string dir = testing::TempDir();
  FileStorage storage(dir);
  EXPECT_THROW(storage.Open(), Error);
}

}  // namespace
}  // namespace baton::storage
