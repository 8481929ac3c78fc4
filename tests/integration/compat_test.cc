// Marathon compatibility both ways, proven with independent tools: Python's
// tarfile writes backups that baton must restore, and both Python's tarfile
// and a commons-compress model of Marathon's reader must accept what baton
// writes, entry for entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The independent tools; a test points one at a path that does not exist.
struct Tools {
  std::string java = "java";
  std::string commons_compress = "/usr/share/java/commons-compress.jar";
  std::string python = "/usr/bin/python3";
};

std::string Python() { return Tools{}.python + " " + SourceDir() + "/tests/compat/"; }

std::string MarathonReaderCommand(const std::string& tar, const Tools& tools = {}) {
  return tools.java + " -Dfile.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8 -cp " +
         tools.commons_compress + " " + SourceDir() + "/tests/compat/MarathonTarReader.java " + tar;
}

std::string MarathonReader(const std::string& tar) { return Shell(MarathonReaderCommand(tar)); }

// Whether `command` refused its input saying `why`. A tool that cannot run
// (exit 127, a missing jar) refuses nothing: that must fail a test.
::testing::AssertionResult Refuses(const std::string& command, const std::string& why) {
  int code = 0;
  std::string out = Shell(command + " 2>&1", &code);
  if (code != 0 && out.find(why) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << command << " exited " << code << " (not refusing \"" << why << "\"):\n"
         << out;
}

::testing::AssertionResult MarathonReaderRefuses(const std::string& tar, const std::string& why,
                                                 const Tools& tools = {}) {
  return Refuses(MarathonReaderCommand(tar, tools), "Marathon would refuse this backup: " + why);
}

::testing::AssertionResult PythonCheckRefuses(const std::string& tar, const std::string& why,
                                              const Tools& tools = {}) {
  return Refuses(tools.python + " " + SourceDir() + "/tests/compat/check_baton_tar.py " + tar, why);
}

// A tar whose long name Python writes as a PAX header, which Marathon refuses.
void WritePaxTar(const std::string& tar) {
  Shell(Tools{}.python + " -c \"import tarfile,io; t=tarfile.open('" + tar +
        "','w',format=tarfile.PAX_FORMAT); i=tarfile.TarInfo('apps/items/_'+'x'*150); i.size=1; "
        "t.addfile(i, io.BytesIO(b'x')); t.close()\"");
}

class CompatTest : public ZkTest {
 protected:
  // Restores a tar that tests/compat/make_tar.py writes in `mode`.
  RunResult RestorePythonTar(const std::string& mode) {
    std::string tar = dir_ + "/" + mode + ".tar";
    Shell(Python() + "make_tar.py " + tar + " " + mode);
    return Restore(tar);
  }
  RunResult MarathonBackup(const std::string& tar) {
    return RunBaton(
        {"backup", "--format", "marathon", "--backup_location", "file://" + tar, "--zk", zk_url_});
  }
};

TEST_F(CompatTest, RestoresATarWrittenByPythonInGnuFormat) {
  RunResult r = RestorePythonTar("marathon");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  Snapshot s = zk_.Take(state_);
  EXPECT_EQ(s.at("/apps/5/_prod_web"), std::string("\0\x01"
                                                   "binary\xff\n",
                                                   10));
  // Version node names are ISO_OFFSET_DATE_TIME, truncated to milliseconds.
  EXPECT_EQ(s.at("/apps/5/_prod_web/2017-08-08T12:34:56.5Z"), "v1");
  EXPECT_EQ(s.at("/apps/5/_prod_web/2017-08-08T12:34:00Z"), "v2");
  EXPECT_EQ(s.at("/apps/5/_prod_web/2017-08-08T14:34:56.123+02:00"), "v3");
  EXPECT_EQ(s.at("/apps/" + marathon::BucketOf("_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC") +
                 "/_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC"),
            "unicode");
  std::string long_id = "/_" + std::string(200, 'l');
  std::string long_bucket;
  for (const auto& [path, node] : s) {
    if (path.starts_with("/apps/") && path.ends_with(long_id)) long_bucket = path;
  }
  ASSERT_FALSE(long_bucket.empty());
  EXPECT_EQ(s.at(long_bucket), "long id");
  EXPECT_EQ(s.at(long_bucket + "/2017-08-08T12:34:56.5Z"), "long version");
  // An id with only versions has no data of its own.
  std::string only = "/pods/" + marathon::BucketOf("_only-versions") + "/_only-versions";
  EXPECT_EQ(s.at(only), "");
  EXPECT_EQ(s.at(only + "/2018-01-01T00:00:00.001Z"), "");
  EXPECT_EQ(s.at("/framework-id/b/id"), "framework-1234");
  // The storage version is wrapped in a ZKStoreEntry.
  EXPECT_EQ(UnwrappedStorageVersion(s.at("/internal:storage:version")),
            std::string("\x08\x01\x10\x0a\x18\x64\x20\x01", 8));

  // And baton's backup of it reads the same with Python and the Marathon model.
  std::string again = dir_ + "/again.tar";
  RunResult b = MarathonBackup(again);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string python_listing = Shell(Python() + "read_tar.py " + again);
  EXPECT_EQ(MarathonReader(again), python_listing);
  EXPECT_THAT(python_listing,
              HasSubstr("apps/versions/_prod_web/2017-08-08T14:34:56.123+02:00\t2\t"));
  EXPECT_THAT(python_listing, HasSubstr("apps/versions/_prod_web/2017-08-08T12:34Z\t2\t"));
}

// Marathon's restore writes entries in order with setData-or-create, so a
// repeated entry wins. Baton's batches fail on the duplicate create and are
// replayed one op at a time, with the same result.
TEST_F(CompatTest, RepeatedEntriesLastOneWins) {
  RunResult r = RestorePythonTar("duplicates");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Snapshot s = zk_.Take(state_);
  EXPECT_EQ(s.at("/apps/5/_prod_web"), "second");
  EXPECT_EQ(s.at("/apps/5/_prod_web/2017-08-08T12:34:56.5Z"), "second v1");
  EXPECT_EQ(s.at("/apps/5/_prod_web/2017-08-08T12:34:00Z"), "v2");
  EXPECT_EQ(s.at("/framework-id/b/id"), "framework-1234");
}

// ZooKeeper does not show clients whether a node is a container, so this
// checks what makes the difference: the server reaps an emptied container.
TEST_F(CompatTest, RestoredParentsAreContainersAndValuesPersistent) {
  RunResult r = RestorePythonTar("marathon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string only = state_ + "/pods/" + marathon::BucketOf("_only-versions") + "/_only-versions";
  std::string web = state_ + "/apps/5/_prod_web";
  ASSERT_TRUE(zk_.Exists(only));
  zk_.DeleteTree(only + "/2018-01-01T00:00:00.001Z");
  for (const char* v :
       {"2017-08-08T12:34:56.5Z", "2017-08-08T12:34:00Z", "2017-08-08T14:34:56.123+02:00"}) {
    zk_.DeleteTree(web + "/" + v);
  }
  // The server checks every 500 ms (scripts/zk-server); allow a few rounds
  // for the id node, then its bucket, then the category.
  for (int i = 0; i < 100 && zk_.Exists(state_ + "/pods"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(zk_.Exists(only));
  EXPECT_FALSE(zk_.Exists(state_ + "/pods"));
  EXPECT_TRUE(zk_.Exists(web));  // a value is persistent
  EXPECT_TRUE(zk_.Exists(state_ + "/apps/5"));
}

TEST_F(CompatTest, MarathonModelReaderAcceptsBatonBackups) {
  TreeShape shape;
  shape.apps = 50;
  Populate(shape);
  std::string tar = dir_ + "/baton.tar";
  RunResult b = MarathonBackup(tar);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string marathon = MarathonReader(tar);
  std::string python = Shell(Python() + "read_tar.py " + tar);
  EXPECT_EQ(marathon, python);
  // Storage version last, long names intact.
  EXPECT_THAT(marathon, HasSubstr("internal:storage:version/items/internal:storage:version\t"));
  EXPECT_EQ(marathon.substr(marathon.rfind('\n', marathon.size() - 2) + 1)
                .rfind("internal:storage:version", 0),
            0u);
  EXPECT_THAT(marathon, HasSubstr("apps/items/_" + std::string(200, 'l') + "\t"));
}

// Baton's own format is a standard tar too: Python's tarfile alone can check
// every checksum and the manifest, plain and gzip-compressed.
TEST_F(CompatTest, PythonVerifiesBatonsFormatIndependently) {
  TreeShape shape;
  shape.apps = 50;
  Populate(shape);
  for (const char* name : {"/baton.tar", "/baton.tar.gz"}) {
    std::string tar = dir_ + name;
    RunResult b = Backup(tar);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    std::string out = Shell(Python() + "check_baton_tar.py " + tar);
    EXPECT_TRUE(out.starts_with("ok ")) << out;
  }
  // A Marathon-format backup has nothing of the kind.
  std::string plain = dir_ + "/plain.tar";
  ASSERT_EQ(MarathonBackup(plain).exit_code, 0);
  EXPECT_TRUE(PythonCheckRefuses(plain, "checksum mismatch on "));
}

TEST_F(CompatTest, TheModelReaderRefusesPax) {
  // The proof that the model reader catches what Marathon refuses.
  std::string tar = dir_ + "/pax.tar";
  WritePaxTar(tar);
  EXPECT_TRUE(MarathonReaderRefuses(tar, "PAX header"));
}

// A check of a refusal passes on the tool's own refusal only: a tool that
// cannot run refuses nothing.
TEST(CompatTools, AToolThatCannotRunRefusesNothing) {
  std::string tar = TempDir() + "/pax.tar";
  WritePaxTar(tar);
  ASSERT_TRUE(MarathonReaderRefuses(tar, "PAX header"));
  ASSERT_TRUE(PythonCheckRefuses(tar, "checksum mismatch"));
  EXPECT_FALSE(MarathonReaderRefuses(tar, "PAX header", {.java = "/nonexistent/java"}));
  EXPECT_FALSE(
      MarathonReaderRefuses(tar, "PAX header", {.commons_compress = "/nonexistent/cc.jar"}));
  EXPECT_FALSE(PythonCheckRefuses(tar, "checksum mismatch", {.python = "/nonexistent/python3"}));
}

// A NUL byte ends a name in every tar reader (libarchive, as GNU tar): a PAX
// path "apps/items/_a<NUL>b" reads as "apps/items/_a". The name validated is
// the name written, so a NUL cannot steer a write elsewhere.
TEST_F(CompatTest, ANulByteEndsTheNameThatIsValidatedAndWritten) {
  RunResult r = RestorePythonTar("nul-byte");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Snapshot s = zk_.Take(state_);
  EXPECT_EQ(s.count("/apps/" + marathon::BucketOf("_a") + "/_a"), 1u);
  for (const auto& [path, data] : s) EXPECT_THAT(path, Not(HasSubstr(std::string(1, '\0'))));
}

class RefusedByRestore : public CompatTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RefusedByRestore, LeavesTheStateAlone) {
  Populate(TreeShape{});
  Snapshot before = zk_.Take(state_);
  RunResult r = RestorePythonTar(GetParam());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("baton: error: "));
  EXPECT_THAT(r.err, Not(HasSubstr("\x1b"))) << "a raw escape sequence was printed";
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
}

INSTANTIATE_TEST_SUITE_P(BadEntries, RefusedByRestore,
                         ::testing::Values("bad-name", "bad-timestamp", "dotdot-id", "slash-id",
                                           "emoji-id", "bad-storage-version", "directory",
                                           "symlink", "absolute-path", "dotdot-path",
                                           "control-char", "long-name", "short-data", "huge-entry"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace baton::testing
