#include "domain/audit.h"

#include <gtest/gtest.h>

#include "domain/staff.h"

namespace shelfmark::domain {
namespace {

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& error : errors) out.push_back(error.field + "=" + std::string(error_info(error.code).name));
  return out;
}

TEST(Audit, ReadsOfPersonalDataAreTheViewActions) {
  EXPECT_TRUE(is_view_action("reader.view"));
  EXPECT_TRUE(is_view_action("registration.view"));
  EXPECT_TRUE(is_view_action("document.view"));
  EXPECT_FALSE(is_view_action("reader.update"));
  EXPECT_FALSE(is_view_action("registration.completion_view"));
  EXPECT_FALSE(is_view_action(".view"));
  EXPECT_FALSE(is_view_action("view"));
}

TEST(Audit, AuditorMayOnlyReadTheAuditTrail) {
  EXPECT_EQ(role_code(Role::kAuditor), "auditor");
  EXPECT_EQ(parse_role("auditor"), Role::kAuditor);
  EXPECT_TRUE(role_allows(Role::kAuditor, Permission::kViewStaffPages));
  EXPECT_TRUE(role_allows(Role::kAuditor, Permission::kReadAudit));
  EXPECT_TRUE(role_allows(Role::kAdministrator, Permission::kReadAudit));
  for (auto role : {Role::kEditor, Role::kCounter, Role::kVerifier, Role::kCataloguer, Role::kReference})
    EXPECT_FALSE(role_allows(role, Permission::kReadAudit)) << role_code(role);
  for (auto permission :
       {Permission::kManageNotices, Permission::kManageLibraries, Permission::kManageStaff, Permission::kCirculation,
        Permission::kManagePolicies, Permission::kCataloguing, Permission::kVerifyRegistrations,
        Permission::kCompleteRegistrations, Permission::kManageActivities, Permission::kRunActivities,
        Permission::kManageStudyRooms, Permission::kCheckAdmissionCards, Permission::kAnswerEnquiries})
    EXPECT_FALSE(role_allows(Role::kAuditor, permission)) << static_cast<int>(permission);
}

TEST(Audit, FilterIsTrimmedAndParsed) {
  auto [filter, errors] =
      check_audit_filter({" chan.tm ", " 20000001 ", "reader.", " reader:12 ", "2026-11-01", "2026-11-30"});
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(filter.staff, "chan.tm");
  EXPECT_EQ(filter.card, "20000001");
  EXPECT_EQ(filter.action, "reader.");
  EXPECT_EQ(filter.subject, "reader:12");
  EXPECT_EQ(filter.from, parse_iso_date("2026-11-01"));
  EXPECT_EQ(filter.to, parse_iso_date("2026-11-30"));
  auto empty = check_audit_filter({});
  EXPECT_TRUE(empty.second.empty());
  EXPECT_FALSE(empty.first.from);
}

TEST(Audit, BadFiltersGetAnErrorOnTheirField) {
  EXPECT_EQ(fields(check_audit_filter({"", "", "", "", "2026-02-30", "yesterday"}).second),
            (std::vector<std::string>{"from=invalid_date", "to=invalid_date"}));
  EXPECT_EQ(fields(check_audit_filter({"", "", "", "", "2026-11-30", "2026-11-01"}).second),
            (std::vector<std::string>{"to=date_range_invalid"}));
  // The same day is a range of one day.
  EXPECT_TRUE(check_audit_filter({"", "", "", "", "2026-11-30", "2026-11-30"}).second.empty());
  EXPECT_EQ(fields(check_audit_filter({"", "", "Reader View", "", "", ""}).second),
            (std::vector<std::string>{"action=invalid_choice"}));
  EXPECT_EQ(fields(check_audit_filter({"", "", ".view", "", "", ""}).second),
            (std::vector<std::string>{"action=invalid_choice"}));
  EXPECT_EQ(fields(check_audit_filter({"", "", "", "陳大文", "", ""}).second),
            (std::vector<std::string>{"subject=audit_subject_invalid"}));
  EXPECT_EQ(fields(check_audit_filter({std::string(101, 'a'), "", "", "", "", ""}).second),
            (std::vector<std::string>{"staff=too_long"}));
  EXPECT_EQ(fields(check_audit_filter({"", "\xff", "", "", "", ""}).second),
            (std::vector<std::string>{"card=invalid_text"}));
}

TEST(Audit, KnownActionsAreValidFilters) {
  for (auto action : known_audit_actions())
    EXPECT_TRUE(check_audit_filter({"", "", std::string(action), "", "", ""}).second.empty()) << action;
}

TEST(Audit, CursorRoundTripsAndRefusesNonsense) {
  const auto at = instant_from_unix(1795000000);
  EXPECT_EQ(audit_cursor(at, 42), "1795000000-42");
  auto parsed = parse_audit_cursor("1795000000-42");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, at);
  EXPECT_EQ(parsed->second, 42);
  for (auto bad : {"", "-", "12", "12-", "-12", "a-1", "1-b", "1-2-3", "99999999999999999999-1"})
    EXPECT_FALSE(parse_audit_cursor(bad)) << bad;
}

}  // namespace
}  // namespace shelfmark::domain
