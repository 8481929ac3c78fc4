#include "storage/file_storage.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "baton/error.h"
#include "support/test_env.h"

namespace baton::storage {
namespace {

using ::testing::HasSubstr;

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
  EXPECT_EQ(testing::ListDir(dir), std::vector<std::string>{"backup.tar"});
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
  EXPECT_EQ(testing::ListDir(dir), std::vector<std::string>{"backup.tar"});
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
  EXPECT_EQ(testing::ListDir(dir), std::vector<std::string>{"pipe"});  // no temporary file

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
    EXPECT_THAT(e.what(), HasSubstr("directory /nonexistent-dir-for-baton does not exist"));
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

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(FileStorage, BackupFilesAreForTheOwnerOnly) {
  std::string dir = testing::TempDir();
  FileStorage storage(dir + "/backup.tar");
  auto sink = storage.Create();
  std::vector<std::string> names = testing::ListDir(dir);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(ModeOf(dir + "/" + names[0]), 0600u) << "the partial file";
  sink->Write("data", 4);
  sink->Commit();
  EXPECT_EQ(ModeOf(dir + "/backup.tar"), 0600u) << "the committed file";
}

TEST(FileStorage, LeftoverPartialFilesAreSweptUnlessHeld) {
  std::string dir = testing::TempDir();
  for (const char* name : {".backup.tar.partial-1", ".other.tar.partial-22", ".held.tar.partial-3",
                           ".theirs.tar.partial-4", ".x.partial-abc", "b.tar.partial-5",
                           ".partial-6", ".dir.partial-7"}) {
    std::ofstream(dir + "/" + name) << "left over";
  }
  std::filesystem::remove(dir + "/.dir.partial-7");
  std::filesystem::create_directory(dir + "/.dir.partial-7");
  // A running backup holds a lock on its partial file.
  int held = ::open((dir + "/.held.tar.partial-3").c_str(), O_RDONLY);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  // Another user's file is theirs to remove (the test runs as root in CI).
  const bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::chown((dir + "/.theirs.tar.partial-4").c_str(), 65534, 65534), 0);
  }

  FileStorage(dir + "/backup.tar").Create()->Commit();
  ::close(held);
  std::vector<std::string> expected{".dir.partial-7", ".held.tar.partial-3", ".partial-6",
                                    ".x.partial-abc", "b.tar.partial-5",     "backup.tar"};
  if (root) expected.insert(expected.begin() + 3, ".theirs.tar.partial-4");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(testing::ListDir(dir), expected);
}

std::string SafetyDirError(const std::string& dir) {
  try {
    PrepareSafetyDirectory(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PrepareSafetyDirectory, CreatesMissingDirectoriesForTheOwnerOnly) {
  std::string dir = testing::TempDir() + "/var/baton";
  PrepareSafetyDirectory(dir);
  EXPECT_EQ(ModeOf(dir), 0700u);
  EXPECT_EQ(ModeOf(dir + "/.."), 0700u) << "a missing parent too";
  PrepareSafetyDirectory(dir);  // and accepts it again
}

TEST(PrepareSafetyDirectory, RefusesWhatOthersCouldHaveTamperedWith) {
  std::string top = testing::TempDir();
  std::filesystem::create_directory(top + "/real");
  std::filesystem::create_directory_symlink(top + "/real", top + "/link");
  EXPECT_THAT(SafetyDirError(top + "/link"), HasSubstr("is a symbolic link"));
  std::ofstream(top + "/file") << "x";
  EXPECT_THAT(SafetyDirError(top + "/file"), HasSubstr("is not a directory"));
  std::filesystem::create_directory(top + "/open");
  ASSERT_EQ(::chmod((top + "/open").c_str(), 01777), 0);
  EXPECT_THAT(SafetyDirError(top + "/open"), HasSubstr("writable by others"));
  ASSERT_EQ(::chmod((top + "/open").c_str(), 0770), 0);
  EXPECT_THAT(SafetyDirError(top + "/open"), HasSubstr("writable by others"));
  if (::geteuid() == 0) {
    std::filesystem::create_directory(top + "/theirs");
    ASSERT_EQ(::chmod((top + "/theirs").c_str(), 0700), 0);
    ASSERT_EQ(::chown((top + "/theirs").c_str(), 65534, 65534), 0);
    EXPECT_THAT(SafetyDirError(top + "/theirs"), HasSubstr("owned by uid 65534"));
  }
  ASSERT_EQ(::chmod((top + "/real").c_str(), 0750), 0);
  EXPECT_EQ(SafetyDirError(top + "/real"), "") << "readable by the group is the owner's choice";
}

// Whoever could swap a directory above it could swap the safety directory:
// below a directory others may write to (unless it is sticky, as /tmp and
// /var/tmp are), or one another user owns, it is refused. A symbolic link on
// the way is followed only if nobody else could have made it, and where it
// points is checked the same way.
TEST(PrepareSafetyDirectory, RefusesWhatOthersCouldSwapAboveIt) {
  std::string top = testing::TempDir();
  auto private_dir = [](const std::string& dir) {
    std::filesystem::create_directories(dir);
    ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);  // whatever the umask
  };
  private_dir(top + "/open/safety");
  ASSERT_EQ(::chmod((top + "/open").c_str(), 0777), 0);
  EXPECT_THAT(SafetyDirError(top + "/open/safety"), HasSubstr("writable by others"));
  ASSERT_EQ(::chmod((top + "/open").c_str(), 01777), 0);
  EXPECT_EQ(SafetyDirError(top + "/open/safety"), "") << "a sticky directory, as /tmp";

  private_dir(top + "/real");
  std::filesystem::create_directory_symlink(top + "/real", top + "/link");
  EXPECT_EQ(SafetyDirError(top + "/link/safety"), "") << "a link this user made, to a private dir";
  EXPECT_EQ(SafetyDirError(top + "/link/../real/other"), "");
  EXPECT_EQ(SafetyDirError(top + "/real/new/safety/"), "");
  EXPECT_EQ(ModeOf(top + "/real/new"), 0700u);

  private_dir(top + "/shared/theirs");
  ASSERT_EQ(::chmod((top + "/shared").c_str(), 0777), 0);
  std::filesystem::create_directory_symlink(top + "/shared/theirs", top + "/to-shared");
  EXPECT_THAT(SafetyDirError(top + "/to-shared/safety"), HasSubstr("writable by others"))
      << "where a link points is checked too";
  EXPECT_THAT(SafetyDirError(top + "/link/"), HasSubstr("is a symbolic link"))
      << "the directory itself, even written with a trailing '/'";
  if (::geteuid() == 0) {
    ASSERT_EQ(::chmod((top + "/shared").c_str(), 01777), 0);
    std::filesystem::create_directory_symlink(top + "/real", top + "/shared/link");
    ASSERT_EQ(::lchown((top + "/shared/link").c_str(), 65534, 65534), 0);
    EXPECT_THAT(SafetyDirError(top + "/shared/link/safety"), HasSubstr("owned by uid 65534"))
        << "a link another user may replace";
  }
}

}  // namespace
}  // namespace baton::storage
