// The writer thread writes what BackupWriter writes, byte for byte, with
// memory bounded, and hands a failed write back to its caller.
#include "archive/writer_thread.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "baton/error.h"
#include "support/memory_storage.h"

namespace baton::archive {
namespace {

using testing::MemorySink;

// Entries of every size, a few larger than the queue's bound.
template <typename Writer>
std::string WriteAll(Writer& writer, MemorySink& sink) {
  for (int i = 0; i < 2000; ++i) {
    const size_t size = i % 100 == 0 ? 300000 : static_cast<size_t>(i * 7 % 2000);
    writer.Add("apps/items/_" + std::to_string(i),
               std::string(size, static_cast<char>('a' + i % 26)),
               i % 3 == 0 ? "31:digest:bob:x" : "");
  }
  Manifest manifest;
  manifest.tool = "test";
  writer.Finish(manifest);
  return sink.bytes;
}

TEST(WriterThread, WritesWhatBackupWriterWrites) {
  for (ArchiveFormat format : {ArchiveFormat::kBaton, ArchiveFormat::kMarathon}) {
    MemorySink direct_sink, threaded_sink;
    BackupWriter direct(direct_sink, 1500000000, format, Compression::kNone);
    // A bound smaller than some entries: they go alone.
    WriterThread threaded(threaded_sink, 1500000000, format, Compression::kNone, 100000);
    EXPECT_EQ(WriteAll(threaded, threaded_sink), WriteAll(direct, direct_sink));
  }
}

TEST(WriterThread, AFailedWriteIsThrownToTheCaller) {
  class FailingSink : public BackupSink {
   public:
    void Write(const void*, size_t size) override {
      if ((written += size) > 100000) throw Error("disk full");
    }
    void Commit() override {}
    std::atomic<size_t> written{0};
  } sink;
  WriterThread writer(sink, 0, ArchiveFormat::kBaton, Compression::kNone, 10000);
  try {
    for (int i = 0; i < 1000; ++i) writer.Add("e/" + std::to_string(i), std::string(1000, 'x'));
    writer.Finish(Manifest{});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("disk full"));
  }
}

TEST(WriterThread, DestroyedUnfinishedItDropsWhatWaits) {
  MemorySink sink;
  {
    WriterThread writer(sink, 0, ArchiveFormat::kBaton, Compression::kNone);
    for (int i = 0; i < 100; ++i) writer.Add("e/" + std::to_string(i), std::string(1000, 'x'));
  }  // an exception's path: no Finish
  SUCCEED();
}

}  // namespace
}  // namespace baton::archive
