#include "storage/s3/sigv4_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <vector>

#include "baton/error.h"
#include "util/digest.h"

namespace baton::storage::s3 {
namespace {

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr) {
    throw Error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Trim(const std::string& value) {
  size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = value.find_last_not_of(" \t");
  // Sequential spaces inside a value are folded to one.
  std::string out;
  for (size_t i = begin; i <= end; ++i) {
    if (value[i] == ' ' && !out.empty() && out.back() == ' ') continue;
    out += value[i];
  }
  return out;
}

}  // namespace

SigV4Signer::SigV4Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string SigV4Signer::UriEncode(const std::string& text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string SigV4Signer::CanonicalQuery(const std::map<std::string, std::string>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [key, value] : query)
    encoded.emplace_back(UriEncode(key, false), UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

void SigV4Signer::Sign(SignableRequest& request, std::time_t now) const {
  std::tm utc{};
  gmtime_r(&now, &utc);
  char amz_date[32], date[16];
  std::strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &utc);
  std::strftime(date, sizeof date, "%Y%m%d", &utc);

  request.headers["x-amz-date"] = amz_date;
  if (service_ == "s3") request.headers["x-amz-content-sha256"] = request.payload_sha256;
  if (!credentials_.session_token.empty()) {
    request.headers["x-amz-security-token"] = credentials_.session_token;
  }
  request.headers.erase("authorization");

  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : request.headers) {  // std::map: sorted by name
    canonical_headers += name + ":" + Trim(value) + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  std::string canonical_request = request.method + "\n" + UriEncode(request.path, true) + "\n" +
                                  CanonicalQuery(request.query) + "\n" + canonical_headers + "\n" +
                                  signed_headers + "\n" + request.payload_sha256;
  std::string scope = std::string(date) + "/" + region_ + "/" + service_ + "/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" +
                               Sha256Hex(canonical_request);
  std::string key = Hmac("AWS4" + credentials_.secret_key, date);
  key = Hmac(key, region_);
  key = Hmac(key, service_);
  key = Hmac(key, "aws4_request");
  std::string signature = Hmac(key, string_to_sign);
  request.headers["authorization"] =
      "AWS4-HMAC-SHA256 Credential=" + credentials_.access_key + "/" + scope +
      ", SignedHeaders=" + signed_headers + ", Signature=" +
      util::Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace baton::storage::s3
