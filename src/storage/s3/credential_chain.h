// Where S3 credentials come from: the backup location URI, else the AWS
// default credential chain in the SDKs' order: environment, shared
// credentials/config files (profiles), web identity (STS), ECS container
// credentials, EC2 instance metadata (IMDSv2).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "storage/s3/sigv4_signer.h"

namespace baton::storage::s3 {

// Reads an environment variable; "" when unset. Injected so tests can give
// each source its own environment.
using Environment = std::function<std::string(const std::string&)>;
Environment ProcessEnvironment();

// Throws baton::Error saying which sources were tried when none has
// credentials, or why a configured source failed.
Credentials ResolveCredentials(const std::map<std::string, std::string>& uri_params,
                               const std::string& region, const Environment& env);

}  // namespace baton::storage::s3
