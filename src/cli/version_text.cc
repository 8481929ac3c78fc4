#include "cli/version_text.h"

#include <archive.h>
#include <curl/curl.h>
#include <google/protobuf/stubs/common.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/version.h>
#include <zookeeper/zookeeper_version.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "baton/version.h"
#include "baton_commit.h"  // generated at build time: BATON_GIT_COMMIT

namespace baton::cli {

std::string VersionText() {
  std::string commit = BATON_GIT_COMMIT;
  std::string text =
      fmt::format("baton {}{}\n", kVersion, commit.empty() ? "" : " (git commit " + commit + ")");
  text += fmt::format("  ZooKeeper C client {}\n", ZOO_VERSION);
  text += fmt::format("  {}\n", archive_version_details());
  text += fmt::format("  libcurl {}\n", curl_version_info(CURLVERSION_NOW)->version);
  text += fmt::format("  {}\n", OpenSSL_version(OPENSSL_VERSION));
  text += fmt::format("  protobuf {}\n",
                      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION));
  text += fmt::format("  spdlog {}.{}.{}, fmt {}.{}.{}\n", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR,
                      SPDLOG_VER_PATCH, FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                      FMT_VERSION % 100);
  text += fmt::format("  nlohmann-json {}.{}.{}, CLI11 {}, cpp-httplib {}",
                      NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                      NLOHMANN_JSON_VERSION_PATCH, CLI11_VERSION, CPPHTTPLIB_VERSION);
  return text;
}

}  // namespace baton::cli
