// Hides secrets from the process title: /proc/<pid>/cmdline and `ps` show a
// process's argv memory, so credentials given on the command line (URI
// access_key/secret_key, a zk:// password) are overwritten in place once the
// flags are parsed.
#pragma once

namespace baton::cli {

void HideSecretsInProcessTitle(int argc, char** argv);

}  // namespace baton::cli
