// The progress reporter: the line it draws for given counts, and what it
// writes to a terminal or the log as a phase goes on and ends.
#include "cli/progress_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace baton::cli {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Phase = Progress::Phase;
using Style = ProgressReporter::Style;

TEST(ProgressDuration, SecondsMinutesHours) {
  EXPECT_EQ(ProgressReporter::Duration(-3), "0s");
  EXPECT_EQ(ProgressReporter::Duration(0), "0s");
  EXPECT_EQ(ProgressReporter::Duration(59.4), "59s");
  EXPECT_EQ(ProgressReporter::Duration(59.5), "1m00s");
  EXPECT_EQ(ProgressReporter::Duration(185), "3m05s");
  EXPECT_EQ(ProgressReporter::Duration(3599), "59m59s");
  EXPECT_EQ(ProgressReporter::Duration(3600), "1h00m");
  EXPECT_EQ(ProgressReporter::Duration(3725), "1h02m");
  EXPECT_EQ(ProgressReporter::Duration(100 * 3600 + 59), "100h00m");
}

TEST(ProgressDescribe, ABarWithShareRatesAndEta) {
  Progress p{Phase::kReading, 1000, 3'000'000, 0.25, false};
  EXPECT_EQ(ProgressReporter::Describe(p, 10, true, false),
            "reading  [######..................]  25% 1000 entries, 3.0 MB, 100 entries/s, "
            "0.3 MB/s, ETA 30s");
}

TEST(ProgressDescribe, ALogLineHasTheShareButNoBar) {
  Progress p{Phase::kWriting, 50, 1'000'000, 0.5, false};
  EXPECT_EQ(ProgressReporter::Describe(p, 2, false, false),
            "writing   50% 50 entries, 1.0 MB, 25 entries/s, 0.5 MB/s, ETA 2s");
}

TEST(ProgressDescribe, UnknownOrTinyShareSaysTimeSoFar) {
  Progress unknown{Phase::kChecking, 7, 0, -1, false};
  EXPECT_EQ(ProgressReporter::Describe(unknown, 0, true, false),
            "checking 7 entries, 0.0 MB, 0 entries/s, 0.0 MB/s, 0s so far");
  Progress tiny{Phase::kSaving, 1, 100, 0.01, false};
  EXPECT_EQ(ProgressReporter::Describe(tiny, 125, true, false),
            "saving   [........................]   1% 1 entries, 0.0 MB, 0 entries/s, 0.0 MB/s, "
            "2m05s so far");
}

TEST(ProgressDescribe, AFinishedPhaseSaysHowLongItTook) {
  Progress p{Phase::kWriting, 6000, 12'000'000, 1, true};
  EXPECT_EQ(ProgressReporter::Describe(p, 3725, true, true),
            "writing  [########################] 100% 6000 entries, 12.0 MB, 2 entries/s, "
            "0.0 MB/s, done in 1h02m");
}

// What a reporter writes to its terminal, read back from memory.
class Terminal {
 public:
  Terminal() : file_(open_memstream(&buffer_, &size_)) {}
  ~Terminal() {
    std::fclose(file_);
    std::free(buffer_);
  }
  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

// Routes spdlog's default logger into a string while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(text_);
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string Text() const { return text_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream text_;
};

Progress At(Phase phase, uint64_t entries, double fraction, bool finished = false) {
  return Progress{phase, entries, entries * 1000, fraction, finished};
}

TEST(ProgressBar, IsDrawnInPlaceAndEndsItsLineWhenThePhaseFinishes) {
  Terminal terminal;
  {
    ProgressReporter reporter(Style::kBar, std::chrono::seconds(10), terminal.file());
    reporter.Report(At(Phase::kReading, 10, 0.1));
    EXPECT_EQ(terminal.Text(), "") << "a bar waits 100 ms before its first drawing";
    reporter.Report(At(Phase::kReading, 100, 0.9, true));
    std::string text = terminal.Text();
    EXPECT_THAT(text, StartsWith("\r\033[Kreading  [########################] 100% 100 entries, "
                                 "0.1 MB, "));
    EXPECT_THAT(text, ContainsRegex("done in [0-9hms]+\n$"));
  }
  EXPECT_THAT(terminal.Text(), ContainsRegex("done in [0-9hms]+\n$")) << "no second line end";
}

TEST(ProgressBar, ANewPhaseEndsTheLastOnesLine) {
  Terminal terminal;
  {
    ProgressReporter reporter(Style::kBar, std::chrono::seconds(10), terminal.file());
    reporter.Report(At(Phase::kChecking, 5, -1));
    reporter.Report(At(Phase::kWriting, 1, 0.5));
    std::string text = terminal.Text();
    EXPECT_THAT(text, StartsWith("\r\033[Kchecking 5 entries, "));
    EXPECT_THAT(text, ContainsRegex("done in [0-9hms]+\n$"));
    EXPECT_THAT(text, Not(ContainsRegex("\\[[#.]|%"))) << "no bar, no share for an unknown one";
  }
  // The writing phase never finished: its line is ended all the same.
  EXPECT_THAT(terminal.Text(), ContainsRegex("done in [0-9hms]+\n\n$"));
}

TEST(ProgressBar, WritesNothingToTheLog) {
  Terminal terminal;
  CapturedLog log;
  {
    ProgressReporter reporter(Style::kBar, std::chrono::milliseconds(0), terminal.file());
    reporter.Report(At(Phase::kReading, 1, 1, true));
  }
  EXPECT_EQ(log.Text(), "");
  EXPECT_THAT(terminal.Text(), HasSubstr("reading"));
}

// What a log-style reporter logs of a phase reported half done, then done.
std::string LogOfAPhase(std::chrono::milliseconds interval, Terminal& terminal) {
  CapturedLog log;
  ProgressReporter reporter(Style::kLog, interval, terminal.file());
  reporter.Report(At(Phase::kSaving, 1, 0.5));
  reporter.Report(At(Phase::kSaving, 2, 1, true));
  return log.Text();
}

TEST(ProgressLog, LogsEachReportDueAndThePhasesEnd) {
  Terminal terminal;
  std::string text = LogOfAPhase(std::chrono::milliseconds(0), terminal);
  EXPECT_THAT(text, StartsWith("progress: saving    50% 1 entries, 0.0 MB, "));
  EXPECT_THAT(text, HasSubstr("\nprogress: saving   100% 2 entries, 0.0 MB, "));
  EXPECT_THAT(text, ContainsRegex("done in [0-9hms]+\n$"));
  EXPECT_EQ(terminal.Text(), "") << "a log never writes terminal control";
}

TEST(ProgressLog, AShortPhaseLogsNothing) {
  Terminal terminal;
  EXPECT_EQ(LogOfAPhase(std::chrono::hours(1), terminal), "");
}

TEST(ProgressNone, HasNoListener) {
  Terminal terminal;
  ProgressReporter none(Style::kNone, std::chrono::milliseconds(0), terminal.file());
  EXPECT_FALSE(none.Listener());
  ProgressReporter bar(Style::kBar, std::chrono::milliseconds(0), terminal.file());
  ProgressListener listener = bar.Listener();
  ASSERT_TRUE(listener);
  listener(At(Phase::kReading, 3, -1, true));
  EXPECT_THAT(terminal.Text(), StartsWith("\r\033[Kreading  3 entries"));
}

}  // namespace
}  // namespace baton::cli
