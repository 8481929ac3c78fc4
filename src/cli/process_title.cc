#include "cli/process_title.h"

#include <cstring>
#include <string_view>

namespace baton::cli {
namespace {

void Mask(char* begin, char* end) {
  for (char* p = begin; p < end; ++p) *p = '*';
}

// Masks the value of every `name=` query parameter in `arg`.
void MaskParameter(char* arg, std::string_view name) {
  for (char* p = std::strstr(arg, name.data()); p != nullptr; p = std::strstr(p + 1, name.data())) {
    bool starts_param = p == arg || p[-1] == '?' || p[-1] == '&';
    if (!starts_param) continue;
    char* value = p + name.size();
    char* end = value + std::strcspn(value, "&#");
    Mask(value, end);
  }
}

// zk://user:password@hosts/path: masks the password.
void MaskZkPassword(char* arg) {
  char* url = std::strstr(arg, "zk://");
  if (url == nullptr) return;
  char* authority = url + 5;
  char* slash = std::strchr(authority, '/');
  char* at = nullptr;
  for (char* p = authority; *p != '\0' && p != slash; ++p) {
    if (*p == '@') at = p;
  }
  if (at == nullptr) return;
  char* colon = std::strchr(authority, ':');
  if (colon != nullptr && colon < at) Mask(colon + 1, at);
}

}  // namespace

void HideSecretsInProcessTitle(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    MaskParameter(argv[i], "secret_key=");
    MaskParameter(argv[i], "access_key=");
    MaskZkPassword(argv[i]);
    // --http_credentials user:password, as one or two arguments.
    if (std::strncmp(argv[i], "--http_credentials=", 19) == 0) {
      char* colon = std::strchr(argv[i] + 19, ':');
      if (colon != nullptr) Mask(colon + 1, colon + 1 + std::strlen(colon + 1));
    } else if (std::strcmp(argv[i], "--http_credentials") == 0 && i + 1 < argc) {
      char* colon = std::strchr(argv[i + 1], ':');
      if (colon != nullptr) Mask(colon + 1, colon + 1 + std::strlen(colon + 1));
    }
  }
}

}  // namespace baton::cli
