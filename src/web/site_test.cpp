// The Site without a socket: what a reader sees when the database fails.
#include "web/site.h"

#include <gtest/gtest.h>

#include "security/sodium.h"
#include "web/resources.h"

namespace shelfmark::web {
namespace {

class BrokenStore final : public app::Store {
 public:
  void transact(Mode, const std::function<void(app::Repositories&)>&) override {
    throw app::StoreError(app::StoreError::Kind::kConnection, "database unreachable");
  }
};

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(security::initialise()); }
  BrokenStore store;
  FixedClock clock{instant_from_unix(1795000000)};
  std::shared_ptr<const TimeZone> zone = TimeZone::load("Asia/Hong_Kong");
  security::Argon2Hasher hasher{security::test_cost(), 1};
  security::SodiumTokens tokens{std::string(32, 'k')};
  app::Context context{store, clock, *zone, hasher, tokens};
  Site site{context, SiteConfig{}, nullptr};
};

TEST_F(SiteTest, DatabaseFailureGivesTheErrorPageInTheReadersLanguage) {
  Request request;
  request.method = "GET";
  request.path = "/tc/libraries";
  auto response = site.handle(request);
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find("lang=\"zh-Hant-HK\""), std::string::npos);
  EXPECT_NE(response.body.find("對不起"), std::string::npos) << response.body.substr(0, 400);
  EXPECT_NE(response.header("Content-Security-Policy"), nullptr);
  request.path = "/en/";
  response = site.handle(request);
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find("Sorry, something went wrong"), std::string::npos);
  EXPECT_EQ(response.body.find("database unreachable"), std::string::npos) << "no internals shown to readers";
}

TEST_F(SiteTest, HealthCheckFailsWhenTheDatabaseDoes) {
  Request request;
  request.method = "GET";
  request.path = "/healthz";
  EXPECT_EQ(site.handle(request).status, 500);
}

TEST_F(SiteTest, StaticFilesAreFingerprinted) {
  const auto& css = static_file("style.css");
  EXPECT_EQ(css.url.rfind("/static/style.", 0), 0u);
  EXPECT_EQ(find_static(css.url), &css);
  EXPECT_EQ(find_static("/static/style.css"), nullptr);
}

}  // namespace
}  // namespace shelfmark::web
