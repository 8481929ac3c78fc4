#include "cli/process_title.h"

#include <cstring>
#include <string>
#include <string_view>

#include "storage/backup_location.h"

namespace baton::cli {
namespace {

void Mask(char* begin, char* end) {
  for (char* p = begin; p < end; ++p) *p = '*';
}

// The parameter name as Baton reads it (percent-decoded); a name that does
// not decode is treated as a secret's.
std::string DecodedName(std::string_view name) {
  try {
    return storage::PercentDecode(std::string(name));
  } catch (...) {
    return "?";
  }
}

// Masks the value of every secret query parameter of a URI argument, and
// every unknown parameter whole, by the same rule as
// BackupLocation::Redacted(), so that secret%5Fkey= or SECRET_KEY= is masked
// too.
void MaskQuery(char* arg) {
  if (std::strstr(arg, "://") == nullptr) return;
  char* query = std::strchr(arg, '?');
  if (query == nullptr) return;
  char* end = query + 1 + std::strcspn(query + 1, "#");
  for (char* param = query + 1; param < end;) {
    char* param_end = param + std::strcspn(param, "&#");
    char* eq = static_cast<char*>(std::memchr(param, '=', static_cast<size_t>(param_end - param)));
    const std::string name = DecodedName({param, eq != nullptr ? eq : param_end});
    if (!storage::IsKnownParameter(name)) {
      Mask(param, param_end);
    } else if (eq != nullptr && storage::IsSecretParameter(name)) {
      Mask(eq + 1, param_end);
    }
    param = param_end + 1;
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

// user:password: masks the password.
void MaskCredentials(char* arg) {
  char* colon = std::strchr(arg, ':');
  if (colon != nullptr) Mask(colon + 1, colon + 1 + std::strlen(colon + 1));
}

}  // namespace

std::string HideSecrets(std::string_view name, std::string value) {
  MaskQuery(value.data());
  MaskZkPassword(value.data());
  if (name == "http_credentials") MaskCredentials(value.data());
  return value;
}

void HideSecretsInProcessTitle(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    MaskQuery(argv[i]);
    MaskZkPassword(argv[i]);
    // --http_credentials user:password, as one or two arguments.
    if (std::strncmp(argv[i], "--http_credentials=", 19) == 0) {
      MaskCredentials(argv[i] + 19);
    } else if (std::strcmp(argv[i], "--http_credentials") == 0 && i + 1 < argc) {
      MaskCredentials(argv[i + 1]);
    }
  }
}

}  // namespace baton::cli
