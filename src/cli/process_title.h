// Hides secrets from the process title: /proc/<pid>/cmdline and `ps` show a
// process's argv memory, so credentials given on the command line (URI
// access_key/secret_key, a zk:// password) are overwritten in place once the
// flags are parsed.
#pragma once

#include <string>
#include <string_view>

namespace baton::cli {

void HideSecretsInProcessTitle(int argc, char** argv);

// `value` of flag `name` with its secrets masked by the same rules (for
// --print_config).
std::string HideSecrets(std::string_view name, std::string value);

}  // namespace baton::cli
