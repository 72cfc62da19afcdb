// The route table's matcher: patterns, typed parameters, methods and access.
#include "web/routes.h"

#include <gtest/gtest.h>

namespace shelfmark::web {
namespace {

RouteHandler none() {
  return [](Page&, const RouteParams&) { return Response{}; };
}

TEST(Routes, MatchesLiteralsLanguageAndTypedParameters) {
  RouteTable table;
  table.get("/{lang}/notices/{id}", Access::anyone(), none());
  table.get("/{lang}/libraries/{code}", Access::anyone(), none());
  table.get("/{lang}/activities/{id}.ics", Access::anyone(), none());
  table.get("/{lang}/staff/registrations/{id}/documents/{document}", Access::staff(), none());

  auto found = table.match("GET", "/en/notices/42");
  ASSERT_NE(found.route, nullptr);
  EXPECT_EQ(found.params.number(0), 42);
  EXPECT_EQ(table.match("GET", "/tc/notices/42").route, found.route);
  EXPECT_EQ(table.match("GET", "/fr/notices/42").route, nullptr) << "only en and tc";
  EXPECT_EQ(table.match("GET", "/en/notices/0").route, nullptr) << "ids are positive";
  EXPECT_EQ(table.match("GET", "/en/notices/4x").route, nullptr);
  EXPECT_EQ(table.match("GET", "/en/notices/1234567890123456789").route, nullptr) << "at most 18 digits";
  EXPECT_EQ(table.match("GET", "/en/notices/42/").route, nullptr) << "no extra segment";
  EXPECT_EQ(table.match("GET", "/en/notices").route, nullptr);

  found = table.match("GET", "/en/libraries/<b>");
  ASSERT_NE(found.route, nullptr);
  EXPECT_EQ(found.params.text(0), "<b>");
  EXPECT_EQ(table.match("GET", "/en/libraries/").route, nullptr) << "a text parameter is not empty";

  found = table.match("GET", "/en/activities/7.ics");
  ASSERT_NE(found.route, nullptr);
  EXPECT_EQ(found.params.number(0), 7);
  EXPECT_EQ(table.match("GET", "/en/activities/.ics").route, nullptr);

  found = table.match("GET", "/en/staff/registrations/3/documents/9");
  ASSERT_NE(found.route, nullptr);
  EXPECT_EQ(found.params.number(0), 3);
  EXPECT_EQ(found.params.number(1), 9);
}

TEST(Routes, KnownPathWithAnotherMethodIsTold) {
  RouteTable table;
  table.get("/{lang}/account", Access::reader(), none());
  table.post("/{lang}/account/renew", Access::reader(), none());
  EXPECT_NE(table.match("HEAD", "/en/account").route, nullptr) << "GET routes answer HEAD";
  auto found = table.match("POST", "/en/account");
  EXPECT_EQ(found.route, nullptr);
  EXPECT_TRUE(found.path_known);
  found = table.match("GET", "/en/account/renew");
  EXPECT_EQ(found.route, nullptr);
  EXPECT_TRUE(found.path_known);
  found = table.match("GET", "/en/account/nothing");
  EXPECT_FALSE(found.path_known);
}

TEST(Routes, RootAndTrailingSlashAreTheirOwnPaths) {
  RouteTable table;
  table.get("/", Access::anyone(), none());
  table.get("/{lang}", Access::anyone(), none(), "/{lang}");
  table.get("/{lang}/", Access::anyone(), none());
  ASSERT_NE(table.match("GET", "/").route, nullptr);
  EXPECT_EQ(table.match("GET", "/").route->info.pattern, "/");
  EXPECT_EQ(table.match("GET", "/en").route->info.pattern, "/{lang}");
  EXPECT_EQ(table.match("GET", "/en/").route->info.pattern, "/{lang}/");
  EXPECT_EQ(table.match("GET", "").route, nullptr);
}

TEST(Routes, DescribesEveryRouteWithItsLabelAndAccess) {
  RouteTable table;
  table.post("/{lang}/staff/notices/{id}/expire", Access::staff({domain::Permission::kManageNotices}), none());
  table.get("/static/{file}", Access::anyone(), none(), "/static/*");
  const auto routes = table.describe();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "POST");
  EXPECT_EQ(routes[0].label, "/{lang}/staff/notices/{id}/expire") << "the label is the pattern unless given";
  EXPECT_EQ(routes[0].access.audience, Audience::kStaff);
  EXPECT_TRUE(routes[0].access.allows(domain::Role::kEditor));
  EXPECT_FALSE(routes[0].access.allows(domain::Role::kCounter));
  EXPECT_EQ(routes[1].label, "/static/*");
  EXPECT_TRUE(Access::staff().allows(domain::Role::kReference)) << "no permission: any staff member";
}

TEST(Routes, RefusesMalformedAndDuplicateRoutes) {
  RouteTable table;
  table.get("/{lang}/notices", Access::anyone(), none());
  EXPECT_THROW(table.get("/{lang}/notices", Access::anyone(), none()), std::logic_error);
  EXPECT_NO_THROW(table.post("/{lang}/notices", Access::anyone(), none()));
  EXPECT_THROW(table.add("PUT", "/{lang}/x", Access::anyone(), none()), std::logic_error);
  EXPECT_THROW(table.get("{lang}/x", Access::anyone(), none()), std::logic_error);
  EXPECT_THROW(table.get("/{lang}/x{id}", Access::anyone(), none()), std::logic_error);
  EXPECT_THROW(table.get("/{lang}/{id", Access::anyone(), none()), std::logic_error);
  EXPECT_THROW(table.get("/{lang}/x", Access{Audience::kReader, {domain::Permission::kCirculation}}, none()),
               std::logic_error)
      << "only staff routes name permissions";
  EXPECT_THROW(table.get("/{a}/{b}/{c}/{d}/{e}", Access::anyone(), none()), std::logic_error);
}

}  // namespace
}  // namespace shelfmark::web
