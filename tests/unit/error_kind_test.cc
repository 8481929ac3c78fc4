// Error kinds: the exit code each one gives, and the kind that representative
// parsers give what they refuse.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <string>

#include "archive/compression.h"
#include "archive/manifest.h"
#include "archive/tar_reader.h"
#include "baton/archive_format.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "baton/zk_url.h"
#include "operations/after_change.h"
#include "storage/backup_location.h"
#include "storage/s3/s3_storage.h"
#include "support/memory_storage.h"

namespace baton {
namespace {

// The kind `call` throws; fails the test when it throws none.
ErrorKind KindThrown(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "nothing was thrown";
  return ErrorKind::kFailed;
}

TEST(ErrorKind, EachKindHasItsExitCode) {
  EXPECT_EQ(ExitCode(ErrorKind::kFailed), kExitFailed);
  EXPECT_EQ(ExitCode(ErrorKind::kInvalidInput), kExitUsage);
  EXPECT_EQ(ExitCode(ErrorKind::kCorruptBackup), kExitFailed);
  EXPECT_EQ(ExitCode(ErrorKind::kUnavailable), kExitFailed);
  EXPECT_EQ(ExitCode(ErrorKind::kRefused), kExitRefused);
  EXPECT_EQ(ExitCode(ErrorKind::kInterrupted, SIGINT), 130);
  EXPECT_EQ(ExitCode(ErrorKind::kInterrupted, SIGTERM), 143);
  EXPECT_EQ(Error("x").kind(), ErrorKind::kFailed);
}

TEST(ErrorKind, BadZooKeeperUrlsAreInvalidInput) {
  for (const char* bad : {"http://h:1/m", "zk://h:1", "zk://h/m", "zk://h:1/", "zk://u@h:1/m",
                          "zk:///m", "zk://[::1:1/m", "zk://h:1/a//b"}) {
    EXPECT_EQ(KindThrown([&] { ZkUrl::Parse(bad); }), ErrorKind::kInvalidInput) << bad;
  }
}

TEST(ErrorKind, BadBackupLocationsAreInvalidInput) {
  for (const char* bad : {"no-scheme", "1x:/y", "fi le:/x", "file:///x%zz"}) {
    EXPECT_EQ(KindThrown([&] { storage::BackupLocation::Parse(bad); }), ErrorKind::kInvalidInput)
        << bad;
  }
  for (const char* bad :
       {"file:relative.tar", "file://host/x.tar", "file:///dir/", "gopher://x/y"}) {
    EXPECT_EQ(KindThrown([&] { OpenStorage(bad); }), ErrorKind::kInvalidInput) << bad;
  }
  const storage::s3::Environment no_env = [](const std::string&) { return std::string(); };
  for (const char* bad : {"s3://bucket-only", "s3://b/k?acess_key=typo", "s3://b/k?sse=rot13"}) {
    EXPECT_EQ(KindThrown([&] { storage::s3::S3Storage::FromLocation(bad, no_env); }),
              ErrorKind::kInvalidInput)
        << bad;
  }
  // The credentials are taken when the location is first used.
  EXPECT_EQ(KindThrown([&] {
              storage::s3::S3Storage::FromLocation("s3://b/k?access_key=id", no_env)->Create();
            }),
            ErrorKind::kInvalidInput);
  EXPECT_EQ(KindThrown([] { archive::ParseCompression("zip"); }), ErrorKind::kInvalidInput);
  EXPECT_EQ(KindThrown([] { ParseArchiveFormat("zip"); }), ErrorKind::kInvalidInput);
  for (ArchiveFormat format : kArchiveFormats) {
    EXPECT_EQ(ParseArchiveFormat(ArchiveFormatName(format)), format);
  }
}

TEST(ErrorKind, GarbageIsACorruptBackup) {
  for (const std::string& bytes :
       {std::string(), std::string(3000, 'x'), std::string("\x1f\x8b")}) {
    EXPECT_EQ(KindThrown([&] {
                testing::MemorySource source(bytes);
                archive::TarReader reader(source, 1 << 20);
                archive::TarEntry entry;
                while (reader.Next(entry)) {
                }
              }),
              ErrorKind::kCorruptBackup)
        << bytes.size() << " bytes";
  }
}

TEST(ErrorKind, ABadManifestIsACorruptBackup) {
  // A float or a number out of range where an integer belongs was undefined
  // behaviour in json's conversion (libFuzzer, CI): refused like the rest.
  for (const char* bad :
       {"{not json", "[]", "{}", R"({"format": "baton"})",
        R"({"format": "baton", "format_version": 999})",
        R"({"format": "baton", "format_version": 1666666666666666666666666666666})",
        R"({"format": "baton", "format_version": 1.5})",
        R"({"format": "baton", "format_version": -99999999999})"}) {
    EXPECT_EQ(KindThrown([&] { archive::Manifest::FromJson(bad); }), ErrorKind::kCorruptBackup)
        << bad;
  }
}

TEST(ErrorKind, AnInvalidInputAfterAChangeIsAFailure) {
  auto invalid = [] { throw Error("--x is wrong", ErrorKind::kInvalidInput); };
  EXPECT_EQ(KindThrown([&] { operations::AfterChange(invalid); }), ErrorKind::kFailed);
  try {
    operations::AfterChange(invalid);
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--x is wrong");
  }
  for (ErrorKind kept : {ErrorKind::kCorruptBackup, ErrorKind::kRefused, ErrorKind::kInterrupted}) {
    EXPECT_EQ(KindThrown([&] { operations::AfterChange([&] { throw Error("x", kept); }); }), kept);
  }
  EXPECT_EQ(operations::AfterChange([] { return 7; }), 7);
}

}  // namespace
}  // namespace baton
