// `shelfmark jobs ...`: each background job of `serve` run once, for those who prefer cron or a systemd timer.
#include <iostream>

#include "app/activities.h"
#include "app/circulation.h"
#include "app/enquiries.h"
#include "app/jobs.h"
#include "app/messages.h"
#include "app/reader_account.h"
#include "app/reader_care.h"
#include "app/registration.h"
#include "app/study_room.h"
#include "bin/runtime.h"
#include "imaging/image_sanitizer.h"

namespace shelfmark::bin {

std::vector<Command> job_commands(CLI::App& cli, const Common& common) {
  auto* jobs = cli.add_subcommand("jobs", "Run background jobs once (from cron or a systemd timer)");
  jobs->require_subcommand(1);
  auto* expire = jobs->add_subcommand("expire-reservations",
                                      "Cancel reservations past their expiry date and those not collected in time; "
                                      "pass their copies to the next reader (serve also runs this hourly)");
  auto* end_ebooks = jobs->add_subcommand("end-ebook-loans",
                                          "End e-book loans past their due date and pass the copies to readers "
                                          "waiting (serve also runs this hourly)");

  auto* expire_applications = jobs->add_subcommand(
      "expire-applications",
      "Expire abandoned registration drafts (48 hours) and Type B applications not completed in person (30 days), "
      "destroying their documents (serve also runs this hourly)");
  auto* reader_notices =
      jobs->add_subcommand("reader-notices",
                           "Queue the notices readers chose: reservation ready or on its last day, due soon, overdue "
                           "(serve also runs this hourly; serve's email job sends them)");
  auto* expiry_reminders = jobs->add_subcommand(
      "membership-expiry-reminders",
      "Tell readers whose card expires within 30 days, once per expiry date, in their language and "
      "channel (serve also runs this daily)");
  auto* anonymise = jobs->add_subcommand("anonymise-loans",
                                         "Take readers who keep no reading history off their returned loans "
                                         "(serve also runs this hourly)");
  auto* forget_study = jobs->add_subcommand("forget-study-applications",
                                            "Delete study room applications a year after their cards expired, keeping "
                                            "each period's counts (serve also runs this daily)");
  auto* forget_enrolments =
      jobs->add_subcommand("forget-enrolments",
                           "Delete enrolments in activities that ended over a year ago, keeping each activity's "
                           "counts (serve also runs this daily)");
  auto* forget_requests =
      jobs->add_subcommand("forget-request-records",
                           "Delete stored results of retried requests after 30 days and failed sign-in "
                           "records after 2 days (serve also runs this daily)");
  auto* anonymise_enquiries = jobs->add_subcommand(
      "anonymise-enquiries",
      "Remove non-readers' names and email addresses from Ask a Librarian enquiries closed more than 90 days ago "
      "(serve also runs this daily)");
  auto* prune_audit = jobs->add_subcommand(
      "prune-audit-log",
      "Delete audit rows past their retention: --audit-retention-days for changes, --audit-view-retention-days "
      "for reads of personal data (serve also runs this daily)");

  return {
      {prune_audit,
       [&common] {
         const auto retention = audit_retention(common);
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Deleted " << app::prune_audit_log(*runtime.context, retention)
                   << " audit rows past their retention.\n";
         return 0;
       }},
      {expire,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         app::NetworkCache network;
         const auto report = app::expire_reservations(*runtime.context, network);
         std::cout << "Expired " << report.waiting_expired << " waiting and " << report.uncollected_expired
                   << " uncollected reservations.\n";
         return 0;
       }},
      {end_ebooks,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         app::NetworkCache network;
         std::cout << "Ended " << app::end_expired_ebook_loans(*runtime.context, network) << " e-book loans.\n";
         return 0;
       }},
      {expire_applications,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         imaging::ReencodingImageSanitizer images;
         app::RegistrationServices services{*runtime.sealer, images, {}};
         const auto expired = app::expire_applications(*runtime.context, services);
         std::cout << "Expired " << expired.drafts << " drafts and " << expired.applications << " applications; "
                   << expired.documents << " documents destroyed.\n";
         return 0;
       }},
      {reader_notices,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Queued " << app::queue_reader_notices(*runtime.context, {}) << " notices.\n";
         return 0;
       }},
      {expiry_reminders,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Queued " << app::membership_expiry_reminders(*runtime.context) << " expiry reminders.\n";
         return 0;
       }},
      {anonymise,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Anonymised " << app::anonymise_returned_loans(*runtime.context) << " returned loans.\n";
         return 0;
       }},
      {forget_study,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Deleted " << app::forget_old_study_applications(*runtime.context)
                   << " study room applications.\n";
         return 0;
       }},
      {forget_enrolments,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Deleted " << app::forget_old_enrolments(*runtime.context) << " enrolments.\n";
         return 0;
       }},
      {forget_requests,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         const auto forgotten = app::forget_request_records(*runtime.context);
         std::cout << "Deleted " << forgotten.retry_keys << " retry keys and " << forgotten.sign_in_failures
                   << " failed sign-in records.\n";
         return 0;
       }},
      {anonymise_enquiries,
       [&common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         std::cout << "Anonymised " << app::anonymise_enquiries(*runtime.context, {}) << " closed enquiries.\n";
         return 0;
       }},
  };
}

}  // namespace shelfmark::bin
