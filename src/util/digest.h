// Digests and encodings on OpenSSL, shared by the S3 client, the archive
// checksums and the server's basic auth.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace baton::util {

std::string Hex(const unsigned char* bytes, size_t size);
std::string Base64(std::string_view bytes);

std::string Sha256Hex(const void* data, size_t size);
inline std::string Sha256Hex(std::string_view data) { return Sha256Hex(data.data(), data.size()); }
// Base64 of the MD5 digest, for Content-MD5.
std::string Md5Base64(const void* data, size_t size);

// SHA-256 over data given in pieces.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest of everything so far, in lower-case hex; the hash cannot be
  // updated afterwards, until Reset().
  std::string HexDigest();
  // Starts over, keeping the context and the algorithm it looked up.
  void Reset();

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace baton::util
