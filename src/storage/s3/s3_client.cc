#include "storage/s3/s3_client.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "baton/error.h"
#include "util/interrupt.h"

namespace baton::storage::s3 {
namespace {

bool Retryable(long status) { return status == 429 || status >= 500; }

// "http://host:port" -> "host:port"
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Where requests for `key` go: the endpoint (without a trailing '/') and the
// path on it, the bucket in the host name on AWS and in the path elsewhere.
struct Address {
  std::string base, path;
};

Address AddressOf(const S3Config& config, const std::string& key) {
  if (config.endpoint.empty()) {
    return {"https://" + config.bucket + ".s3." + config.region + ".amazonaws.com", "/" + key};
  }
  std::string base = config.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  // The bucket itself (a listing) has no trailing '/'.
  return {base, "/" + config.bucket + (key.empty() ? "" : "/" + key)};
}

}  // namespace

S3Client::S3Client(S3Config config, Credentials credentials)
    : config_(std::move(config)), signer_(std::move(credentials), config_.region, "s3") {}

HttpResponse S3Client::Call(const std::string& method, const std::string& key,
                            std::map<std::string, std::string> query,
                            std::map<std::string, std::string> headers, std::string_view body,
                            const std::string& what) {
  const auto [base, path] = AddressOf(config_, key);
  std::string payload_hash = Sha256Hex(body.data(), body.size());
  std::mt19937_64 random(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    SignableRequest signable{method, path, query, headers, payload_hash};
    signable.headers["host"] = HostOf(base);
    signer_.Sign(signable, std::time(nullptr));
    HttpRequest request;
    request.method = method;
    request.url = base + SigV4Signer::UriEncode(path, true);
    std::string q = SigV4Signer::CanonicalQuery(query);
    if (!q.empty()) request.url += "?" + q;
    request.headers = std::move(signable.headers);
    request.headers.erase("host");  // curl sends the same one
    request.body = body;
    std::string problem;
    try {
      HttpResponse response = HttpSend(request);
      if (!Retryable(response.status) || attempt >= config_.max_attempts) {
        if (response.status >= 300) Fail(response, key, what);
        return response;
      }
      problem = "HTTP " + std::to_string(response.status) + " " + XmlValue(response.body, "Code");
    } catch (const TransportError& e) {
      if (attempt >= config_.max_attempts) {
        throw Error("cannot " + what + " " + Describe(key) + " after " + std::to_string(attempt) +
                        " attempts: " + e.what(),
                    ErrorKind::kUnavailable);
      }
      problem = e.what();
    }
    // Full jitter: a random wait up to an exponentially growing cap.
    int cap = std::min(config_.backoff_max_ms, config_.backoff_base_ms << std::min(attempt, 16));
    int wait = std::uniform_int_distribution<int>(0, cap)(random);
    spdlog::warn("{} {}: {}; retrying in {} ms (attempt {} of {})", what, Describe(key), problem,
                 wait, attempt + 1, config_.max_attempts);
    util::SleepInterruptibly(std::chrono::milliseconds(wait));
  }
}

void S3Client::Fail(const HttpResponse& response, const std::string& key, const std::string& what) {
  std::string code = XmlValue(response.body, "Code");
  std::string detail = code.empty() ? "HTTP " + std::to_string(response.status)
                                    : code + " (HTTP " + std::to_string(response.status) + ")";
  std::string source = signer_.credentials().source;
  if (response.status == 403) {
    throw Error("S3 refused to " + what + " " + Describe(key) + ": " + detail +
                "; check the credentials (taken from " + source + ")");
  }
  if (response.status == 404) {
    std::string thing = code == "NoSuchBucket" ? "bucket " + config_.bucket : Describe(key);
    throw Error("cannot " + what + " " + Describe(key) + ": " + thing + " does not exist (" +
                detail + ")");
  }
  // Still busy or failing after every retry: S3 is unavailable.
  throw Error("cannot " + what + " " + Describe(key) + ": " + detail,
              Retryable(response.status) ? ErrorKind::kUnavailable : ErrorKind::kFailed);
}

std::map<std::string, std::string> S3Client::NewObjectHeaders() const {
  // Canned ACL bucket-owner-read, as Marathon's uploads use.
  std::map<std::string, std::string> headers{{"content-type", "application/x-tar"},
                                             {"x-amz-acl", "bucket-owner-read"}};
  if (!config_.sse.empty()) headers["x-amz-server-side-encryption"] = config_.sse;
  if (!config_.sse_kms_key_id.empty()) {
    headers["x-amz-server-side-encryption-aws-kms-key-id"] = config_.sse_kms_key_id;
  }
  return headers;
}

void S3Client::PutObject(const std::string& key, std::string_view data) {
  std::map<std::string, std::string> headers = NewObjectHeaders();
  headers["content-md5"] = Md5Base64(data.data(), data.size());
  Call("PUT", key, {}, std::move(headers), data, "upload");
}

std::string S3Client::CreateMultipartUpload(const std::string& key) {
  HttpResponse r =
      Call("POST", key, {{"uploads", ""}}, NewObjectHeaders(), {}, "start an upload of");
  std::string id = XmlValue(r.body, "UploadId");
  if (id.empty()) throw Error("S3 gave no upload id for " + Describe(key));
  return id;
}

std::string S3Client::UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view data) {
  HttpResponse r =
      Call("PUT", key, {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
           {{"content-md5", Md5Base64(data.data(), data.size())}}, data,
           "upload part " + std::to_string(part_number) + " of");
  auto etag = r.headers.find("etag");
  if (etag == r.headers.end()) throw Error("S3 gave no ETag for a part of " + Describe(key));
  return etag->second;
}

void S3Client::CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                       const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  HttpResponse r = Call("POST", key, {{"uploadId", upload_id}},
                        {{"content-type", "application/xml"}}, xml, "complete the upload of");
  // S3 may answer 200 with an error document when completion fails late.
  if (r.body.find("<Error>") != std::string::npos)
    Fail(HttpResponse{500, {}, r.body}, key, "complete the upload of");
}

void S3Client::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  Call("DELETE", key, {{"uploadId", upload_id}}, {}, {}, "abort the upload of");
}

ObjectInfo S3Client::HeadObject(const std::string& key) {
  HttpResponse r = Call("HEAD", key, {}, {}, {}, "read");
  ObjectInfo info;
  info.size = std::stoull(r.headers.count("content-length") ? r.headers["content-length"] : "0");
  info.etag = r.headers["etag"];
  return info;
}

std::string S3Client::GetObject(const std::string& key) {
  return std::move(Call("GET", key, {}, {}, {}, "read").body);
}

std::vector<ListedObject> S3Client::ListObjects(const std::string& prefix) {
  std::vector<ListedObject> objects;
  std::string token;
  do {
    std::map<std::string, std::string> query{{"list-type", "2"},
                                             {"prefix", prefix},
                                             {"delimiter", "/"},
                                             {"max-keys", std::to_string(config_.list_max_keys)}};
    if (!token.empty()) query["continuation-token"] = token;
    HttpResponse r = Call("GET", "", std::move(query), {}, {}, "list");
    for (const std::string& element : XmlElements(r.body, "Contents")) {
      ListedObject object{XmlValue(element, "Key"), 0, XmlValue(element, "LastModified")};
      const std::string size = XmlValue(element, "Size");
      std::from_chars(size.data(), size.data() + size.size(), object.size);  // 0 if not a number
      objects.push_back(std::move(object));
    }
    token =
        XmlValue(r.body, "IsTruncated") == "true" ? XmlValue(r.body, "NextContinuationToken") : "";
  } while (!token.empty());
  return objects;
}

void S3Client::DeleteObjects(const std::vector<std::string>& keys) {
  constexpr size_t kPerRequest = 1000;  // S3's limit
  for (size_t first = 0; first < keys.size(); first += kPerRequest) {
    std::string xml = "<Delete><Quiet>true</Quiet>";
    for (size_t i = first; i < std::min(keys.size(), first + kPerRequest); ++i) {
      xml += "<Object><Key>" + XmlEscape(keys[i]) + "</Key></Object>";
    }
    xml += "</Delete>";
    HttpResponse r = Call(
        "POST", "", {{"delete", ""}},
        {{"content-md5", Md5Base64(xml.data(), xml.size())}, {"content-type", "application/xml"}},
        xml, "delete objects in");
    std::vector<std::string> errors = XmlElements(r.body, "Error");
    if (!errors.empty()) {
      throw Error("S3 did not delete " + Describe(XmlValue(errors.front(), "Key")) + ": " +
                  XmlValue(errors.front(), "Code") + " (" + std::to_string(errors.size()) +
                  " not deleted)");
    }
  }
}

std::string S3Client::GetRange(const std::string& key, uint64_t first, uint64_t last,
                               const std::string& etag) {
  std::map<std::string, std::string> headers{
      {"range", "bytes=" + std::to_string(first) + "-" + std::to_string(last)}};
  if (!etag.empty()) headers["if-match"] = etag;
  HttpResponse r = Call("GET", key, {}, std::move(headers), {}, "read");
  if (r.body.size() != last - first + 1) {
    throw Error("S3 returned " + std::to_string(r.body.size()) + " bytes of " + Describe(key) +
                " where " + std::to_string(last - first + 1) + " were asked for");
  }
  return std::move(r.body);
}

}  // namespace baton::storage::s3
