#include "app/jobs.h"

#include <fmt/format.h>

#include "app/activities.h"
#include "app/circulation.h"
#include "app/enquiries.h"
#include "app/messages.h"
#include "app/reader_account.h"
#include "app/reader_care.h"
#include "app/study_room.h"

namespace shelfmark::app {
namespace {

// A job that has not finished within its lease is assumed dead (its node crashed) and may be taken over.
constexpr auto kLease = std::chrono::minutes(30);
// After a failure, try again in a little while rather than at the next interval.
constexpr auto kRetryAfterFailure = std::chrono::minutes(5);

Instant next_boundary(Instant now, std::chrono::seconds interval) {
  // Aligned to whole intervals (on the hour for hourly jobs), so runs happen at predictable times.
  const auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto next = (since_epoch / interval + 1) * interval;
  return Instant(std::chrono::duration_cast<Instant::duration>(next));
}

}  // namespace

std::vector<JobDefinition> standard_jobs(const JobSettings& settings) {
  return {
      {"expire-reservations", std::chrono::hours(1),
       [](const Context& context, NetworkCache& network) {
         const auto report = expire_reservations(context, network);
         return fmt::format("{} waiting and {} uncollected reservations expired", report.waiting_expired,
                            report.uncollected_expired);
       }},
      {"end-ebook-loans", std::chrono::hours(1),
       [](const Context& context, NetworkCache& network) {
         return fmt::format("{} e-book loans ended", end_expired_ebook_loans(context, network));
       }},
      {"reader-notices", std::chrono::hours(1),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} notices queued", queue_reader_notices(context, {}));
       }},
      {"membership-expiry-reminders", std::chrono::hours(24),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} expiry reminders queued", membership_expiry_reminders(context));
       }},
      {"anonymise-loans", std::chrono::hours(1),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} returned loans anonymised", anonymise_returned_loans(context));
       }},
      {"forget-enrolments", std::chrono::hours(24),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} enrolments of activities over a year ago deleted", forget_old_enrolments(context));
       }},
      {"forget-study-applications", std::chrono::hours(24),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} study room applications of cards expired over a year ago deleted",
                            forget_old_study_applications(context));
       }},
      {"forget-request-records", std::chrono::hours(24),
       [](const Context& context, NetworkCache&) {
         const auto forgotten = forget_request_records(context);
         return fmt::format("{} retry keys over 30 days old and {} failed sign-ins over 2 days old deleted",
                            forgotten.retry_keys, forgotten.sign_in_failures);
       }},
      {"anonymise-enquiries", std::chrono::hours(24),
       [](const Context& context, NetworkCache&) {
         return fmt::format("{} closed enquiries anonymised", anonymise_enquiries(context, {}));
       }},
      {"prune-audit-log", std::chrono::hours(24),
       [retention = settings.audit_retention](const Context& context, NetworkCache&) {
         return fmt::format("{} audit rows past their retention ({} days for changes, {} for reads) deleted",
                            prune_audit_log(context, retention), retention.changes.count(), retention.views.count());
       }},
  };
}

std::vector<JobRun> run_due_jobs(const Context& context, NetworkCache& network,
                                 const std::vector<JobDefinition>& jobs) {
  std::vector<JobRun> runs;
  for (const auto& job : jobs) {
    const auto now = context.clock.now();
    bool claimed = false;
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.jobs.ensure(job.name, now);
      claimed = repos.jobs.claim(job.name, now, now + kLease);
    });
    if (!claimed) continue;
    JobRun run{job.name, true, ""};
    Instant next;
    try {
      run.summary = job.run(context, network);
      next = next_boundary(context.clock.now(), job.interval);
    } catch (const std::exception& error) {
      run.ok = false;
      run.summary = error.what();
      next = context.clock.now() + kRetryAfterFailure;
    }
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.jobs.finish(job.name, context.clock.now(), next, (run.ok ? "" : "failed: ") + run.summary);
    });
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace shelfmark::app
