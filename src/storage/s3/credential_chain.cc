#include "storage/s3/credential_chain.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "baton/error.h"
#include "storage/http_client.h"
#include "storage/s3/s3_client.h"
#include "util/json_field.h"

namespace baton::storage::s3 {
namespace {

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// key = value pairs of one [section] of an INI file.
std::optional<std::map<std::string, std::string>> IniSection(const std::string& path,
                                                             const std::string& section) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<std::map<std::string, std::string>> found;
  bool inside = false;
  std::string line;
  while (std::getline(in, line)) {
    line = Trimmed(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = Trimmed(line.substr(1, line.size() - 2)) == section;
      if (inside && !found) found.emplace();
      continue;
    }
    size_t eq = line.find('=');
    if (inside && eq != std::string::npos)
      (*found)[Trimmed(line.substr(0, eq))] = Trimmed(line.substr(eq + 1));
  }
  return found;
}

std::optional<Credentials> FromProfile(const Environment& env) {
  std::string home = env("HOME");
  std::string profile = env("AWS_PROFILE").empty() ? "default" : env("AWS_PROFILE");
  std::string credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_file.empty() && !home.empty()) credentials_file = home + "/.aws/credentials";
  std::string config_file = env("AWS_CONFIG_FILE");
  if (config_file.empty() && !home.empty()) config_file = home + "/.aws/config";
  struct Place {
    std::string file, section;
  };
  const Place places[] = {{credentials_file, profile},
                          {config_file, profile == "default" ? "default" : "profile " + profile}};
  bool profile_seen = false;
  for (const Place& place : places) {
    if (place.file.empty()) continue;
    auto section = IniSection(place.file, place.section);
    if (!section) continue;
    profile_seen = true;
    if (section->count("aws_access_key_id") && section->count("aws_secret_access_key")) {
      Credentials c{section->at("aws_access_key_id"), section->at("aws_secret_access_key"),
                    section->count("aws_session_token") ? section->at("aws_session_token") : "",
                    "profile '" + profile + "' in " + place.file};
      return c;
    }
  }
  if (!env("AWS_PROFILE").empty()) {
    throw Error("AWS_PROFILE names profile '" + profile + "', but " +
                (profile_seen ? "it has no aws_access_key_id and aws_secret_access_key"
                              : "neither " + credentials_file + " nor " + config_file + " has it"));
  }
  return std::nullopt;
}

std::string ReadFile(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return Trimmed(ss.str());
}

std::optional<Credentials> FromWebIdentity(const Environment& env, const std::string& region) {
  std::string token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  std::string role = env("AWS_ROLE_ARN");
  if (token_file.empty() || role.empty()) return std::nullopt;
  std::string session = env("AWS_ROLE_SESSION_NAME");
  if (session.empty()) session = "baton-" + std::to_string(std::time(nullptr));
  std::string endpoint = env("AWS_ENDPOINT_URL_STS");
  if (endpoint.empty()) endpoint = "https://sts." + region + ".amazonaws.com";
  std::map<std::string, std::string> query{
      {"Action", "AssumeRoleWithWebIdentity"},
      {"Version", "2011-06-15"},
      {"RoleArn", role},
      {"RoleSessionName", session},
      {"WebIdentityToken", ReadFile(token_file, "the web identity token")}};
  HttpRequest request;
  request.url = endpoint + "/?" + SigV4Signer::CanonicalQuery(query);
  request.timeout_ms = 30000;
  HttpResponse r = HttpSend(request);
  if (r.status != 200) {
    throw Error("STS refused AssumeRoleWithWebIdentity for " + role + ": HTTP " +
                std::to_string(r.status) + " " + XmlValue(r.body, "Code"));
  }
  Credentials c{XmlValue(r.body, "AccessKeyId"), XmlValue(r.body, "SecretAccessKey"),
                XmlValue(r.body, "SessionToken"), "web identity (role " + role + ")"};
  if (c.access_key.empty() || c.secret_key.empty()) throw Error("STS answered without credentials");
  return c;
}

Credentials FromJson(const std::string& body, const std::string& source) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  auto key = util::JsonField<std::string>(json, "AccessKeyId");
  auto secret = util::JsonField<std::string>(json, "SecretAccessKey");
  if (!key || !secret) throw Error(source + " answered without credentials");
  return Credentials{*key, *secret, util::JsonField<std::string>(json, "Token").value_or(""),
                     source};
}

std::optional<Credentials> FromContainer(const Environment& env) {
  std::string url;
  if (!env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty()) {
    url = "http://169.254.170.2" + env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  } else if (!env("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    url = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  } else {
    return std::nullopt;
  }
  HttpRequest request;
  request.url = url;
  request.connect_timeout_ms = 2000;
  request.timeout_ms = 5000;
  std::string token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (token.empty() && !env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").empty()) {
    token = ReadFile(env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                     "the container authorization token");
  }
  if (!token.empty()) request.headers["authorization"] = token;
  HttpResponse r = HttpSend(request);
  if (r.status != 200)
    throw Error("the ECS credentials endpoint answered HTTP " + std::to_string(r.status));
  return FromJson(r.body, "ECS container credentials");
}

std::optional<Credentials> FromInstanceMetadata(const Environment& env) {
  if (env("AWS_EC2_METADATA_DISABLED") == "true") return std::nullopt;
  std::string endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = "http://169.254.169.254";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  try {
    HttpRequest token_request;
    token_request.method = "PUT";
    token_request.url = endpoint + "/latest/api/token";
    token_request.headers["x-aws-ec2-metadata-token-ttl-seconds"] = "21600";
    token_request.connect_timeout_ms = 1000;
    token_request.timeout_ms = 2000;
    HttpResponse token = HttpSend(token_request);
    if (token.status != 200) return std::nullopt;
    HttpRequest request = token_request;
    request.method = "GET";
    request.headers = {{"x-aws-ec2-metadata-token", token.body}};
    request.url = endpoint + "/latest/meta-data/iam/security-credentials/";
    HttpResponse roles = HttpSend(request);
    std::string role = Trimmed(roles.body.substr(0, roles.body.find('\n')));
    if (roles.status != 200 || role.empty()) return std::nullopt;
    request.url += role;
    HttpResponse creds = HttpSend(request);
    if (creds.status != 200) return std::nullopt;
    return FromJson(creds.body, "EC2 instance metadata (role " + role + ")");
  } catch (const TransportError&) {
    return std::nullopt;  // not on EC2
  }
}

}  // namespace

Environment ProcessEnvironment() {
  return [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return std::string(value != nullptr ? value : "");
  };
}

Credentials ResolveCredentials(const std::map<std::string, std::string>& uri_params,
                               const std::string& region, const Environment& env) {
  bool has_access = uri_params.count("access_key") > 0,
       has_secret = uri_params.count("secret_key") > 0;
  if (has_access != has_secret) {
    throw Error("invalid backup location: access_key and secret_key must be given together",
                ErrorKind::kInvalidInput);
  }
  if (has_access) {
    return Credentials{uri_params.at("access_key"), uri_params.at("secret_key"), "",
                       "the backup location URI"};
  }
  if (!env("AWS_ACCESS_KEY_ID").empty() && !env("AWS_SECRET_ACCESS_KEY").empty()) {
    return Credentials{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                       env("AWS_SESSION_TOKEN"), "environment variables"};
  }
  if (auto c = FromProfile(env)) return *c;
  if (auto c = FromWebIdentity(env, region)) return *c;
  if (auto c = FromContainer(env)) return *c;
  if (auto c = FromInstanceMetadata(env)) return *c;
  throw Error(
      "no AWS credentials found: give access_key and secret_key in the URI, or set "
      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile (AWS_PROFILE, ~/.aws/credentials), "
      "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), or run where ECS or EC2 "
      "instance metadata provide them");
}

}  // namespace baton::storage::s3
