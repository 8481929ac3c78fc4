#include "server/app_definition.h"

#include <gtest/gtest.h>

#include "baton/error.h"

namespace baton::server {
namespace {

using nlohmann::json;

TEST(JsonDepthTest, CountsBracketsOutsideStringsOnly) {
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"a": [1, {"b": []}]})", 4));
  EXPECT_TRUE(JsonNestsDeeperThan(R"({"a": [1, {"b": []}]})", 3));
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"cmd": "[[[[{{{{"})", 1));
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"cmd": "\"[[[\\"})", 1));    // escapes inside the string
  EXPECT_TRUE(JsonNestsDeeperThan(R"({"cmd": "\\"}, [[[]]])", 2));  // the string ended
  EXPECT_FALSE(JsonNestsDeeperThan("[]]]]][]", 1));                 // stray closers
  EXPECT_TRUE(JsonNestsDeeperThan(std::string(400000, '['), 64));
}

TEST(AppIdTest, PathIdsAndTheirStoredForm) {
  EXPECT_EQ(AppId::Parse("prod/web").path(), "/prod/web");
  EXPECT_EQ(AppId::Parse("/prod/web/").path(), "/prod/web");
  EXPECT_EQ(AppId::Parse("/a.b-c/9").StorageId(), "_a.b-c_9");
  EXPECT_EQ(AppId::FromStorageId("_prod_web").path(), "/prod/web");
  for (const char* bad :
       {"", "/", "/Prod", "/a//b", "/-a", "/a-", "/a_b", "/a b", "/web/versions", "/é"}) {
    EXPECT_THROW(AppId::Parse(bad), Error) << bad;
  }
}

TEST(AppLayoutTest, PortsBecomePortDefinitions) {
  json app = {{"id", "/a"}, {"ports", {80, 443}}};
  UpgradePortsToPortDefinitions(app);
  EXPECT_EQ(app, json::parse(R"({"id": "/a", "portDefinitions": [
      {"port": 80, "protocol": "tcp"}, {"port": 443, "protocol": "tcp"}]})"));
  json again = app;
  UpgradePortsToPortDefinitions(again);  // already in the new layout: unchanged
  EXPECT_EQ(again, app);
  json both = {{"ports", {80}}, {"portDefinitions", json::array()}};
  EXPECT_THROW(UpgradePortsToPortDefinitions(both), Error);
  json wrong = {{"ports", "80"}};
  EXPECT_THROW(UpgradePortsToPortDefinitions(wrong), Error);
}

TEST(AppLayoutTest, ResourcesAreGrouped) {
  json app = {{"id", "/a"}, {"cpus", 0.5}, {"mem", 64}};
  UpgradeGroupResources(app);
  EXPECT_EQ(app, json::parse(R"({"id": "/a", "resources": {"cpus": 0.5, "mem": 64}})"));
  json none = {{"id", "/a"}};
  UpgradeGroupResources(none);
  EXPECT_EQ(none, json::parse(R"({"id": "/a"})"));
  json both = {{"mem", 64}, {"resources", {{"mem", 32}}}};
  EXPECT_THROW(UpgradeGroupResources(both), Error);
}

TEST(AppLayoutTest, NormalizeFillsDefaultsAndAcceptsTheOldLayout) {
  json app = NormalizeApp(json::parse(R"({"cmd": "sleep 1", "mem": 64, "ports": [8080],
                                          "version": "2001-01-01T00:00Z"})"),
                          AppId::Parse("web"));
  EXPECT_EQ(app, json::parse(R"({"id": "/web", "cmd": "sleep 1", "instances": 1,
      "resources": {"cpus": 1.0, "mem": 64, "disk": 0.0},
      "portDefinitions": [{"port": 8080, "protocol": "tcp"}]})"));
}

TEST(AppLayoutTest, NormalizeRefusesWhatIsWrong) {
  AppId id = AppId::Parse("/web");
  for (const char* bad :
       {R"([])", R"({"id": "/other"})", R"({"id": 5})", R"({"cmd": 1})", R"({"instances": -1})",
        R"({"instances": 1.5})", R"({"resources": {"mem": -1}})", R"({"resources": {"cpus": "1"}})",
        R"({"portDefinitions": [{"port": 70000}]})", R"({"portDefinitions": {"port": 80}})"}) {
    EXPECT_THROW(NormalizeApp(json::parse(bad), id), Error) << bad;
  }
}

TEST(AppLayoutTest, AnUpdateReplacesTheFieldsItNames) {
  json current =
      NormalizeApp(json::parse(R"({"cmd": "a", "mem": 64, "ports": [80]})"), AppId::Parse("/web"));
  current["version"] = "2020-01-01T00:00Z";
  json updated = NormalizeApp(ApplyAppUpdate(current, json::parse(R"({"cmd": "b", "cpus": 2})")),
                              AppId::Parse("/web"));
  EXPECT_EQ(updated, json::parse(R"({"id": "/web", "cmd": "b", "instances": 1,
      "resources": {"cpus": 2, "mem": 64, "disk": 0.0},
      "portDefinitions": [{"port": 80, "protocol": "tcp"}]})"));
  EXPECT_THROW(ApplyAppUpdate(current, json::array()), Error);
}

}  // namespace
}  // namespace baton::server
