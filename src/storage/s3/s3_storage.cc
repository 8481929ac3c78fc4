#include "storage/s3/s3_storage.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>

#include "baton/error.h"
#include "storage/backup_location.h"
#include "util/interrupt.h"
#include "util/printable.h"

namespace baton::storage::s3 {
namespace {

class S3Sink : public BackupSink {
 public:
  S3Sink(S3Client client, std::string key, UploadTuning tuning)
      : client_(std::move(client)), key_(std::move(key)), tuning_(tuning) {
    buffer_.reserve(PartBytes());
  }

  ~S3Sink() override {
    if (committed_ || upload_id_.empty()) return;
    util::UninterruptibleScope keep;  // an interrupted upload is aborted all the same
    // Nothing may claim to be a backup: drop what was uploaded.
    for (auto& part : in_flight_) part.wait();
    try {
      client_.AbortMultipartUpload(key_, upload_id_);
    } catch (const std::exception& e) {
      spdlog::error("could not abort the multipart upload of {}: {}", client_.Describe(key_),
                    e.what());
    }
  }

  void Write(const void* data, size_t size) override {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
      size_t n = std::min(size, PartBytes() - buffer_.size());
      buffer_.append(bytes, n);
      bytes += n;
      size -= n;
      if (buffer_.size() == PartBytes()) SendPart();
    }
  }

  void Commit() override {
    if (upload_id_.empty()) {
      client_.PutObject(key_, buffer_);  // small enough for one request
    } else {
      if (!buffer_.empty()) SendPart();
      while (!in_flight_.empty()) Collect();
      client_.CompleteMultipartUpload(key_, upload_id_, etags_);
    }
    committed_ = true;
  }

 private:
  // Parts grow so that any size fits in S3's 10,000 parts.
  size_t PartBytes() const {
    return tuning_.first_part_bytes << std::min<size_t>(parts_ / 1000, 9);
  }

  void SendPart() {
    util::ThrowIfInterrupted();
    if (upload_id_.empty()) upload_id_ = client_.CreateMultipartUpload(key_);
    while (static_cast<int>(in_flight_.size()) >= tuning_.parts_in_flight) Collect();
    int number = static_cast<int>(++parts_);
    in_flight_.push_back(std::async(std::launch::async, [this, number, part = std::move(buffer_)] {
      return client_.UploadPart(key_, upload_id_, number, part);
    }));
    buffer_ = std::string();
    buffer_.reserve(PartBytes());
  }

  void Collect() {
    std::future<std::string> oldest = std::move(in_flight_.front());
    in_flight_.pop_front();
    // A part may take long on a slow link; the destructor waits for the rest.
    while (oldest.wait_for(util::kInterruptPoll) != std::future_status::ready) {
      util::ThrowIfInterrupted();
    }
    etags_.push_back(oldest.get());  // in part order; rethrows the part's error
  }

  S3Client client_;
  std::string key_;
  UploadTuning tuning_;
  std::string buffer_;
  std::string upload_id_;
  size_t parts_ = 0;                // parts started
  std::vector<std::string> etags_;  // of the parts finished, in order
  std::deque<std::future<std::string>> in_flight_;
  bool committed_ = false;
};

// Reads with ranged GETs, each with If-Match on the ETag seen at open.
class S3Source : public BackupSource {
 public:
  S3Source(S3Client client, std::string key, size_t range_bytes)
      : client_(std::move(client)), key_(std::move(key)), range_bytes_(range_bytes) {
    info_ = client_.HeadObject(key_);
  }

  size_t Read(void* out, size_t size) override {
    if (offset_ == buffer_.size()) {
      if (position_ >= info_.size) return 0;
      uint64_t last = std::min<uint64_t>(position_ + range_bytes_, info_.size) - 1;
      buffer_ = client_.GetRange(key_, position_, last, info_.etag);
      position_ = last + 1;
      offset_ = 0;
    }
    size_t n = std::min(size, buffer_.size() - offset_);
    std::memcpy(out, buffer_.data() + offset_, n);
    offset_ += n;
    return n;
  }

  bool Rewind() override {
    position_ = 0;
    offset_ = 0;
    buffer_.clear();
    return true;
  }

 private:
  S3Client client_;
  std::string key_;
  size_t range_bytes_;
  ObjectInfo info_;
  uint64_t position_ = 0;
  std::string buffer_;
  size_t offset_ = 0;
};

}  // namespace

S3Storage::S3Storage(S3Config config, std::string key,
                     std::map<std::string, std::string> uri_params, Environment env,
                     UploadTuning tuning)
    : config_(std::move(config)),
      key_(std::move(key)),
      uri_params_(std::move(uri_params)),
      env_(std::move(env)),
      tuning_(tuning) {}

S3Client S3Storage::Client() const {
  Credentials credentials = ResolveCredentials(uri_params_, config_.region, env_);
  spdlog::debug("S3 credentials for {} taken from {}", Describe(), credentials.source);
  return S3Client(config_, std::move(credentials));
}

std::unique_ptr<BackupSink> S3Storage::Create() {
  return std::make_unique<S3Sink>(Client(), key_, tuning_);
}

std::unique_ptr<BackupSource> S3Storage::Open() {
  return std::make_unique<S3Source>(Client(), key_, tuning_.range_bytes);
}

S3Target ParseS3Target(const std::string& location, const Environment& env, bool prefix) {
  BackupLocation loc = BackupLocation::Parse(location);
  std::string key = loc.path.empty() ? "" : loc.path.substr(1);
  if (prefix) {
    if (loc.authority.empty() || (!key.empty() && key.back() != '/')) {
      throw Error("invalid backup prefix " + loc.Redacted() +
                      ": an S3 prefix names a bucket and, optionally, a key prefix ending in '/', "
                      "e.g. s3://bucket-name/backups/",
                  ErrorKind::kInvalidInput);
    }
  } else if (loc.authority.empty() || key.empty() || key.back() == '/') {
    throw Error(
        "invalid backup location " + loc.Redacted() +
            ": an S3 location needs a bucket and a key, e.g. s3://bucket-name/key/in/bucket",
        ErrorKind::kInvalidInput);
  }
  for (const auto& [name, value] : loc.params) {
    if (!IsKnownParameter(name)) {
      throw Error("invalid backup location " + loc.Redacted() +
                      ": unknown parameter (its name is not shown: it may be part of a secret; "
                      "percent-encode '&' in secrets as %26); known: " +
                      fmt::format("{}", fmt::join(kKnownParameters, ", ")),
                  ErrorKind::kInvalidInput);
    }
  }
  S3Target target;
  S3Config& config = target.config;
  config.bucket = loc.authority;
  if (loc.params.count("region")) config.region = loc.params.at("region");
  config.endpoint =
      loc.params.count("endpoint") ? loc.params.at("endpoint") : env("AWS_ENDPOINT_URL_S3");
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL");
  if (loc.params.count("sse")) {
    config.sse = loc.params.at("sse");
    if (config.sse != "AES256" && config.sse != "aws:kms") {
      throw Error("invalid backup location " + loc.Redacted() + ": sse must be AES256 or aws:kms",
                  ErrorKind::kInvalidInput);
    }
  }
  if (loc.params.count("sse_kms_key_id")) config.sse_kms_key_id = loc.params.at("sse_kms_key_id");
  target.key = std::move(key);
  target.params = std::move(loc.params);
  return target;
}

std::unique_ptr<S3Storage> S3Storage::FromLocation(const std::string& location, Environment env) {
  S3Target target = ParseS3Target(location, env, /*prefix=*/false);
  return std::make_unique<S3Storage>(std::move(target.config), std::move(target.key),
                                     std::move(target.params), std::move(env));
}

}  // namespace baton::storage::s3
