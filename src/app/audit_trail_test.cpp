// The audit trail's use cases on both backends: reads of registrations and documents recorded where they
// happen, the search by staff, card, action, subject and Hong Kong dates with keyset pages, the export
// (itself audited), who may read it, the retention job, and the viewers in a reader's data download.
#include "app/audit_trail.h"

#include "app/jobs.h"
#include "app/registration.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::SqlValue;
using testing::UseCaseTest;

class AcceptingImages final : public ImageSanitizer {
 public:
  ImageCheck sanitize(std::string_view bytes) override { return CleanImage{"image/png", std::string(bytes), 10, 20}; }
};

class AuditTrail : public UseCaseTest {
 protected:
  void SetUp() override {
    new_library(testing::library("CL", domain::LibraryKind::kCentral));
    admin = new_staff({"admin.one", "Admin One", domain::Role::kAdministrator});
    auditor = new_staff({"audit.one", "Auditor One", domain::Role::kAuditor});
    verifier = new_staff({"verifier.one", "Verifier One", domain::Role::kVerifier});
    counter = new_staff({"counter.one", "Counter One", domain::Role::kCounter});
  }

  void record(const AuditEntry& entry) {
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.audit.record(entry); });
  }
  Instant local(const std::string& text) { return zone->to_instant(*parse_local_date_time(text)); }

  // A submitted E-Account application (its reader made at submission); returns the application id.
  long long submitted_application() {
    auto started = start_application(*context, services, domain::RegistrationType::kEAccount, "10.0.0.1");
    EXPECT_TRUE(started);
    const auto token = started->token;
    EXPECT_TRUE(accept_terms(*context, services, token, true, true, true));
    domain::ApplicantForm f;
    f.name_en = "CHAN, Tai Man";
    f.name_zh = "陳大文";
    f.hkid = "A123456(3)";
    f.date_of_birth = "1990-05-01";
    f.email = "chan@example.com";
    f.language = "tc";
    f.smart_id_card = "yes";
    f.address = "Flat A, 3/F, 1 Nathan Road";
    f.library_code = "CL";
    EXPECT_TRUE(save_details(*context, services, token, f, "river walk 2468", "river walk 2468"));
    for (auto kind : domain::required_documents(domain::RegistrationType::kEAccount))
      EXPECT_TRUE(upload_document(*context, services, token, kind, "IMG", false));
    EXPECT_TRUE(submit_application(*context, services, token, "10.0.0.1"));
    return count("SELECT MAX(id) FROM registration_applications");
  }

  std::string actions(const domain::Outcome<AuditPage>& page) {
    std::string out;
    for (const auto& line : page.value().lines) out += (out.empty() ? "" : " ") + line.action;
    return out;
  }

  std::unique_ptr<Sealer> sealer = testing::test_sealer();
  AcceptingImages images;
  RegistrationServices services{*sealer, images, {}};
  Actor admin, auditor, verifier, counter;
};

TEST_P(AuditTrail, OpeningAnApplicationOrItsDocumentIsRecordedAndFoundByTheReadersCard) {
  const auto id = submitted_application();
  const auto reader_id =
      sql().query("SELECT reader_id FROM registration_applications WHERE id = ?", {SqlValue(id)}).at(0).integer(0);
  const auto card = sql().query("SELECT card_number FROM readers WHERE id = ?", {SqlValue(reader_id)}).at(0).text(0);
  auto detail = application_detail(*context, services, verifier, id);
  ASSERT_TRUE(detail);
  ASSERT_FALSE(detail->documents.empty());
  clock->set(clock->now() + std::chrono::minutes(1));
  ASSERT_TRUE(application_document(*context, services, verifier, id, detail->documents[0].id));
  const auto subject = "application:" + std::to_string(id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.view' AND subject = '" + subject +
                  "' AND staff_id = " + std::to_string(verifier.staff_id)),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.view' AND subject = '" + subject +
                  "' AND detail LIKE 'document:%'"),
            1);
  // Another engineer's page writes reader.view when the reader record is opened: recorded here through the port.
  clock->set(clock->now() + std::chrono::minutes(1));
  record({clock->now(), counter.staff_id, "reader.view", "reader:" + std::to_string(reader_id), ""});
  record({clock->now(), counter.staff_id, "reader.view", "reader:999", ""});  // someone else's

  auto found = audit_trail(*context, auditor, {{"", card, "", "", "", ""}, ""});
  ASSERT_TRUE(found);
  EXPECT_EQ(actions(found), "reader.view document.view registration.view registration.submitted");
  EXPECT_EQ(found->lines[0].staff_username, "counter.one");
  EXPECT_EQ(found->lines[1].staff_name, "Verifier One");
  found = audit_trail(*context, admin, {{"", card, ".", "", "", ""}, ""});
  EXPECT_EQ(found.error().fields.at(0).field, "action");
  found = audit_trail(*context, admin, {{"verifier.one", card, "", "", "", ""}, ""});
  EXPECT_EQ(actions(found), "document.view registration.view");
  found = audit_trail(*context, admin, {{"", card, "", "reader:999", "", ""}, ""});  // not this reader's
  EXPECT_TRUE(found->lines.empty());
  found = audit_trail(*context, admin, {{"", "", "", "reader:999", "", ""}, ""});
  EXPECT_EQ(actions(found), "reader.view");

  // The reader's data download: the three looks at their data, by role, newest first; not the other reader's.
  const auto viewings = record_viewings(*context, reader_id);
  ASSERT_EQ(viewings.size(), 3u);
  EXPECT_EQ(viewings[0].what, ViewedWhat::kRecord);
  EXPECT_EQ(viewings[0].role, domain::Role::kCounter);
  EXPECT_EQ(viewings[1].what, ViewedWhat::kDocument);
  EXPECT_EQ(viewings[1].role, domain::Role::kVerifier);
  EXPECT_EQ(viewings[2].what, ViewedWhat::kRegistration);
  EXPECT_TRUE(record_viewings(*context, reader_id + 1000).empty());
}

TEST_P(AuditTrail, OnlyAdministratorsAndAuditorsReadItAndEveryExportIsAudited) {
  record({clock->now(), admin.staff_id, "notice.create", "notice:1", "=HYPERLINK(\"x\")"});
  for (const auto& actor :
       {verifier, counter, Actor{admin.staff_id, domain::Role::kEditor},
        Actor{admin.staff_id, domain::Role::kCataloguer}, Actor{admin.staff_id, domain::Role::kReference}}) {
    EXPECT_EQ(audit_trail(*context, actor, {}).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(export_audit_trail(*context, actor, {}).error().code, ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'"), 0);
  auto exported = export_audit_trail(*context, auditor, {"admin.one", "", "notice.", "", "2026-11-23", ""});
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->lines.size(), 1u);
  EXPECT_EQ(exported->lines[0].detail, "=HYPERLINK(\"x\")");
  EXPECT_FALSE(exported->truncated);
  const auto rows = sql().query("SELECT staff_id, subject, detail FROM audit_log WHERE action = 'audit.export'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), auditor.staff_id);
  EXPECT_EQ(rows[0].text(1), "audit_log");
  EXPECT_EQ(rows[0].text(2), "staff=admin.one action=notice. from=2026-11-23 rows=1");
  // An export by card names the reader by id, never the card number.
  const auto reader = new_reader({"20000001"});
  ASSERT_TRUE(export_audit_trail(*context, admin, {"", "20000001", "", "", "", ""}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export' AND detail = 'reader=" +
                  std::to_string(reader) + " rows=0'"),
            1);
}

TEST_P(AuditTrail, BadFiltersAreRefusedFieldByField) {
  auto found = audit_trail(*context, admin, {{"nobody", "99999999", "", "", "2026-13-01", ""}, ""});
  ASSERT_FALSE(found);
  std::vector<std::pair<std::string, ErrorCode>> fields;
  for (const auto& field : found.error().fields) fields.emplace_back(field.field, field.code);
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, ErrorCode>>{{"from", ErrorCode::kInvalidDate},
                                                                    {"staff", ErrorCode::kAuditStaffUnknown},
                                                                    {"card", ErrorCode::kAuditCardUnknown}}));
  found = audit_trail(*context, admin, {{"", "", "", "", "2026-11-23", "2026-11-01"}, ""});
  EXPECT_EQ(found.error().fields.at(0).code, ErrorCode::kDateRangeInvalid);
  EXPECT_EQ(export_audit_trail(*context, admin, {"nobody", "", "", "", "", ""}).error().fields.at(0).code,
            ErrorCode::kAuditStaffUnknown);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'"), 0);
}

TEST_P(AuditTrail, DatesAreHongKongDaysAndPagesFollowTheCursor) {
  record({local("2026-11-21T23:59"), admin.staff_id, "a.before", "x:1", ""});
  record({local("2026-11-22T00:00"), admin.staff_id, "a.first", "x:1", ""});
  record({local("2026-11-22T23:59"), admin.staff_id, "a.last", "x:1", ""});
  record({local("2026-11-23T00:00"), admin.staff_id, "a.after", "x:1", ""});
  EXPECT_EQ(actions(audit_trail(*context, admin, {{"", "", "", "", "2026-11-22", "2026-11-22"}, ""})),
            "a.last a.first");
  EXPECT_EQ(actions(audit_trail(*context, admin, {{"", "", "", "", "", "2026-11-21"}, ""})), "a.before");

  for (int i = 0; i < kAuditPageSize + 10; ++i)
    record({local("2026-11-20T10:00") + std::chrono::seconds(i), auditor.staff_id, "reader.view",
            "reader:" + std::to_string(i), ""});
  auto first = audit_trail(*context, admin, {{"audit.one", "", "reader.view", "", "", ""}, ""});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->lines.size(), static_cast<std::size_t>(kAuditPageSize));
  EXPECT_EQ(first->lines.front().subject, "reader:59");
  ASSERT_FALSE(first->next_cursor.empty());
  auto second = audit_trail(*context, admin, {{"audit.one", "", "reader.view", "", "", ""}, first->next_cursor});
  ASSERT_TRUE(second);
  ASSERT_EQ(second->lines.size(), 10u);
  EXPECT_EQ(second->lines.front().subject, "reader:9");
  EXPECT_EQ(second->lines.back().subject, "reader:0");
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_P(AuditTrail, RetentionJobDeletesOnlyRowsPastTheirRetention) {
  const auto now = clock->now();
  record({now - std::chrono::days(800), verifier.staff_id, "registration.view", "application:1", "old read"});
  record({now - std::chrono::days(700), verifier.staff_id, "registration.view", "application:1", "kept read"});
  record({now - std::chrono::days(2600), admin.staff_id, "staff.update", "staff:2", "old change"});
  record({now - std::chrono::days(800), admin.staff_id, "staff.update", "staff:2", "kept change"});
  std::vector<JobDefinition> prune;
  for (auto& job : standard_jobs({AuditRetention{}}))
    if (job.name == "prune-audit-log") prune.push_back(job);
  ASSERT_EQ(prune.size(), 1u);
  const auto runs = run_due_jobs(*context, network, prune);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].ok) << runs[0].summary;
  EXPECT_EQ(runs[0].summary.rfind("2 audit rows", 0), 0u) << runs[0].summary;
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail IN ('kept read', 'kept change')"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail IN ('old read', 'old change')"), 0);
  // A shorter retention for reads only.
  EXPECT_EQ(prune_audit_log(*context, {std::chrono::days(2557), std::chrono::days(365)}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail = 'kept change'"), 1);
}

SHELFMARK_ON_BOTH_BACKENDS(AuditTrail);

}  // namespace
}  // namespace shelfmark::app
