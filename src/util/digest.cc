#include "util/digest.h"

#include <openssl/sha.h>

#include "baton/error.h"

namespace baton::util {

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Sha256Hex(const void* data, size_t size) {
  // One context per thread, reused: OpenSSL 3's one-shot SHA256() looks the
  // algorithm up and allocates a context on every call, which cost a
  // backup of small values a third as much as the hashing itself.
  thread_local Sha256 hash;
  hash.Reset();
  hash.Update(std::string_view(static_cast<const char*>(data), size));
  return hash.HexDigest();
}

std::string Md5Base64(const void* data, size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data, size, digest, &len, EVP_md5(), nullptr) != 1) throw Error("MD5 failed");
  return Base64(std::string_view(reinterpret_cast<char*>(digest), len));
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
    throw Error("cannot start a SHA-256 digest");
  }
}

void Sha256::Update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) throw Error("SHA-256 failed");
}

void Sha256::Reset() {
  if (EVP_DigestInit_ex2(ctx_.get(), nullptr, nullptr) != 1) throw Error("SHA-256 failed");
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1) throw Error("SHA-256 failed");
  return Hex(digest, len);
}

}  // namespace baton::util
