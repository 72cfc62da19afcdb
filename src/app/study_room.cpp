#include "app/study_room.h"

#include <map>

#include "app/messages.h"
#include "app/registration_ports.h"

namespace shelfmark::app {
namespace {

using domain::Done;
using domain::ErrorCode;
using domain::failure;
using domain::FieldError;
using domain::invalid;
using domain::Outcome;
using domain::StudyOutcome;

bool allowed(const Actor& actor, domain::Permission permission) { return domain::role_allows(actor.role, permission); }

LocalDateTime local_now(const Context& context) { return context.zone.to_local(context.clock.now()); }

// The token in a card's QR code: a keyed digest of the card number, so the server can show it again on the
// card page without storing it, and nobody without the server's key can make one. Only its digest is stored.
std::string card_token(const Context& context, const std::string& card_number) {
  return context.tokens.digest("study-room-card/" + card_number);
}

// A fresh seed for the draw: 64 bits from the token source (256 random bits, digested).
std::uint64_t random_seed(const Context& context) {
  const auto hex = context.tokens.digest(context.tokens.random_token());
  return domain::parse_draw_seed(hex.substr(0, 16)).value_or(0);
}

const domain::StudySession* find_session(const StudyPeriodRecord& period, int number) {
  for (const auto& session : period.sessions)
    if (session.number == number) return &session;
  return nullptr;
}

// The outcome message to one applicant, in the language of their settings (which also picks the titles).
void tell_applicant(Repositories& repos, Instant now, const StudyPeriodRecord& period,
                    const StudyApplicationRecord& application, const std::string& kind) {
  const auto settings = repos.registrations.reader_settings(application.reader_id);
  if (!settings) return;
  const auto* session = find_session(period, application.session);
  std::map<std::string, std::string> params{
      {"name", application.reader_name},
      {"period", settings->language == domain::Language::kEnglish ? period.title_en : period.title_tc},
      {"library", settings->language == domain::Language::kEnglish ? period.library_name_en : period.library_name_tc},
      {"session", std::to_string(application.session)},
      {"weekday_times", session ? domain::study_session_times(*session, false) : ""},
      {"weekend_times", session ? domain::study_session_times(*session, true) : ""},
      {"valid_from", format_iso_date(period.valid_from)},
      {"valid_until", format_iso_date(period.valid_until)},
      {"card", application.card_number},
      {"position", application.draw_position ? std::to_string(*application.draw_position - period.places) : ""},
  };
  // Through the channel the reader chose in My Setting, as for every notice about something they applied for.
  notify_reader(repos, now, application.reader_id, kind, params);
}

void issue_card(const Context& context, Repositories& repos, const StudyPeriodRecord& period,
                StudyApplicationRecord& application) {
  application.card_number =
      domain::study_card_number(period.id, application.session, application.draw_position.value_or(0));
  repos.study_rooms.set_card(application.id, application.card_number,
                             context.tokens.digest(card_token(context, application.card_number)));
}

// The period a draw or its publication works on: it must exist and not be published yet.
Outcome<StudyPeriodRecord> unpublished_period(Repositories& repos, long long period_id) {
  auto period = repos.study_rooms.period(period_id);
  if (!period) return failure(ErrorCode::kNotFound);
  if (period->published_at) return failure(ErrorCode::kStudyAlreadyPublished);
  return std::move(*period);
}

}  // namespace

Outcome<long long> open_study_period(const Context& context, const Actor& actor, const domain::StudyPeriodForm& form) {
  if (!allowed(actor, domain::Permission::kManageStudyRooms)) return failure(ErrorCode::kPermissionDenied);
  auto details = domain::validate_study_period(form);
  std::vector<FieldError> errors = details ? std::vector<FieldError>{} : details.error().fields;
  std::optional<Outcome<long long>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    std::optional<domain::Library> library;
    const auto code = details ? details->library_code : std::string(form.library_code);
    if (!code.empty()) library = repos.libraries.by_code(code);
    if (!code.empty() && !library) errors.push_back({"library_code", ErrorCode::kInvalidChoice, {}});
    if (!errors.empty()) {
      result = invalid(errors);
      return;
    }
    StudyPeriodRecord period;
    period.library_id = library->id;
    period.title_en = details->title_en;
    period.title_tc = details->title_tc;
    period.opens_at = details->opens_at;
    period.closes_at = details->closes_at;
    period.valid_from = details->valid_from;
    period.valid_until = details->valid_until;
    period.places = details->places;
    period.priority = details->priority;
    period.sessions = details->sessions;
    const auto id = repos.study_rooms.insert_period(period, context.clock.now(), actor.staff_id);
    repos.audit.record(
        {context.clock.now(), actor.staff_id, "study_room.open", "study_period:" + std::to_string(id), ""});
    result = id;
  });
  return std::move(*result);
}

std::vector<StudyPeriodRecord> study_periods(const Context& context) {
  std::vector<StudyPeriodRecord> periods;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { periods = repos.study_rooms.periods(); });
  return periods;
}

std::optional<StudyPeriodRecord> study_period(const Context& context, long long id) {
  std::optional<StudyPeriodRecord> period;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { period = repos.study_rooms.period(id); });
  return period;
}

domain::StudyPeriodPhase study_phase(const Context& context, const StudyPeriodRecord& period) {
  return domain::study_period_phase(local_now(context), period.opens_at, period.closes_at,
                                    period.allocated_at.has_value(), period.published_at.has_value());
}

Outcome<StudyPeriodApplications> study_period_applications(const Context& context, const Actor& actor,
                                                           long long period_id) {
  if (!allowed(actor, domain::Permission::kManageStudyRooms)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<StudyPeriodApplications>> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto period = repos.study_rooms.period(period_id);
    if (!period) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = StudyPeriodApplications{*period, repos.study_rooms.applications_of_period(period_id)};
  });
  return std::move(*result);
}

Outcome<std::string> run_study_allocation(const Context& context, const Actor& actor, long long period_id,
                                          std::optional<std::uint64_t> seed) {
  if (!allowed(actor, domain::Permission::kManageStudyRooms)) return failure(ErrorCode::kPermissionDenied);
  const auto drawn_seed = seed ? *seed : random_seed(context);
  std::optional<Outcome<std::string>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto period = unpublished_period(repos, period_id);
    if (!period) {
      result = period.error();
      return;
    }
    if (local_now(context) < period->closes_at) {
      result = failure(ErrorCode::kStudyDeadlineNotPassed);
      return;
    }
    std::vector<domain::StudyApplicant> applicants;
    auto applications = repos.study_rooms.applications_of_period(period_id);
    for (const auto& a : applications) {
      // A re-run starts from everyone who applied: places given up under the last draw count again.
      applicants.push_back({a.id, a.session, a.exam_candidate});
    }
    for (const auto& allocation :
         domain::allocate_study_places(applicants, period->places, period->priority, drawn_seed))
      repos.study_rooms.set_result(allocation.application_id,
                                   allocation.successful ? StudyOutcome::kSuccessful : StudyOutcome::kWaiting,
                                   allocation.draw_position, allocation.priority);
    const auto seed_text = domain::format_draw_seed(drawn_seed);
    repos.study_rooms.record_draw(period_id, seed_text, std::string(domain::kStudyDrawAlgorithm), context.clock.now(),
                                  actor.staff_id);
    // Every run is in the audit log with its seed, so a draw re-run until it suits someone would show.
    repos.audit.record({context.clock.now(), actor.staff_id, "study_room.allocate",
                        "study_period:" + std::to_string(period_id),
                        "seed=" + seed_text + " algorithm=" + std::string(domain::kStudyDrawAlgorithm) +
                            " applications=" + std::to_string(applicants.size())});
    result = seed_text;
  });
  return std::move(*result);
}

Outcome<Done> publish_study_results(const Context& context, const Actor& actor, long long period_id) {
  if (!allowed(actor, domain::Permission::kManageStudyRooms)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto period = unpublished_period(repos, period_id);
    if (!period) {
      result = period.error();
      return;
    }
    if (!period->allocated_at) {
      result = failure(ErrorCode::kStudyNotAllocated);
      return;
    }
    const auto now = context.clock.now();
    if (!repos.study_rooms.publish(period_id, now, actor.staff_id)) {
      result = failure(ErrorCode::kStudyAlreadyPublished);
      return;
    }
    for (auto& application : repos.study_rooms.applications_of_period(period_id)) {
      if (application.outcome == StudyOutcome::kSuccessful) {
        issue_card(context, repos, period.value(), application);
        tell_applicant(repos, now, period.value(), application, "study_room_successful");
      } else if (application.outcome == StudyOutcome::kWaiting) {
        tell_applicant(repos, now, period.value(), application, "study_room_waiting");
      }
    }
    repos.audit.record({now, actor.staff_id, "study_room.publish", "study_period:" + std::to_string(period_id), ""});
    result = Done{};
  });
  return std::move(*result);
}

Outcome<ReleasedPlace> release_study_place(const Context& context, const Actor& actor, long long application_id) {
  if (!allowed(actor, domain::Permission::kManageStudyRooms)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<ReleasedPlace>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto released = repos.study_rooms.application(application_id);
    const auto period = released ? repos.study_rooms.period(released->period_id) : std::nullopt;
    if (!released || !period || !period->published_at || released->outcome != StudyOutcome::kSuccessful) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    repos.study_rooms.set_result(released->id, StudyOutcome::kDeclined, released->draw_position,
                                 released->in_priority_group);
    std::optional<long long> offered;
    for (auto& next : repos.study_rooms.applications_of_period(period->id)) {
      if (next.session != released->session || next.outcome != StudyOutcome::kWaiting) continue;
      repos.study_rooms.set_result(next.id, StudyOutcome::kSuccessful, next.draw_position, next.in_priority_group);
      issue_card(context, repos, *period, next);
      tell_applicant(repos, context.clock.now(), *period, next, "study_room_offered");
      offered = next.id;
      break;  // applications_of_period is in draw order: this is the first waiting
    }
    repos.audit.record({context.clock.now(), actor.staff_id, "study_room.release",
                        "study_application:" + std::to_string(application_id),
                        offered ? "offered=study_application:" + std::to_string(*offered) : "offered=none"});
    result = ReleasedPlace{period->id, offered};
  });
  return std::move(*result);
}

Outcome<long long> apply_for_study_room(const Context& context, long long reader_id, long long period_id,
                                        const domain::StudyApplicationForm& form) {
  std::optional<Outcome<long long>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      const auto period = repos.study_rooms.period(period_id);
      if (!period) {
        result = failure(ErrorCode::kNotFound);
        return;
      }
      if (!domain::study_applications_open(local_now(context), period->opens_at, period->closes_at)) {
        result = failure(ErrorCode::kStudyApplicationsClosed);
        return;
      }
      // The same status rule as loans and activities: a pending (unverified) account, a card reported lost,
      // a suspended or expired reader does not enter the draw.
      const auto reader = repos.circulation.reader_by_id(reader_id);
      if (!reader) {
        result = failure(ErrorCode::kNotFound);
        return;
      }
      if (const auto refusal = domain::status_refusal(reader->status, reader->expires_on, local_now(context).date)) {
        result = failure(*refusal);
        return;
      }
      auto details = domain::validate_study_application(form, static_cast<int>(period->sessions.size()));
      if (!details) {
        result = details.error();
        return;
      }
      if (repos.study_rooms.active_application(period_id, reader_id)) {
        result = failure(ErrorCode::kStudyAlreadyApplied);
        return;
      }
      StudyApplicationRecord application;
      application.period_id = period_id;
      application.reader_id = reader_id;
      application.session = details->session;
      application.exam_candidate = details->exam_candidate;
      application.private_candidate = details->private_candidate;
      application.school_name = details->school_name;
      application.applied_at = context.clock.now();
      result = repos.study_rooms.insert_application(application);
    });
  } catch (const StoreError& error) {
    // Another submission by the same reader won the race: the unique index refused this one.
    if (!error.is_unique_violation()) throw;
    return failure(ErrorCode::kStudyAlreadyApplied);
  }
  return std::move(*result);
}

Outcome<Done> withdraw_study_application(const Context& context, long long reader_id, long long application_id) {
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto application = repos.study_rooms.application(application_id);
    // Another reader's application is "not found": its existence is not confirmed.
    if (!application || application->reader_id != reader_id || application->outcome == StudyOutcome::kWithdrawn) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    const auto period = repos.study_rooms.period(application->period_id);
    if (!period || local_now(context) >= period->closes_at || application->outcome != StudyOutcome::kPending) {
      result = failure(ErrorCode::kStudyCannotWithdraw);
      return;
    }
    repos.study_rooms.withdraw(application_id, context.clock.now());
    result = Done{};
  });
  return std::move(*result);
}

std::vector<ReaderStudyApplication> reader_study_applications(const Context& context, long long reader_id) {
  std::vector<ReaderStudyApplication> out;
  const auto now = local_now(context);
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (auto& application : repos.study_rooms.applications_of_reader(reader_id)) {
      auto period = repos.study_rooms.period(application.period_id);
      if (!period) continue;
      ReaderStudyApplication entry{application, *period, period->published_at.has_value(), false};
      entry.can_withdraw = application.outcome == StudyOutcome::kPending && now < period->closes_at;
      // Before publication the reader sees "waiting for the results", whatever a draw said.
      if (!entry.published && application.outcome != StudyOutcome::kWithdrawn)
        entry.application.outcome = StudyOutcome::kPending;
      out.push_back(std::move(entry));
    }
  });
  return out;
}

Outcome<AdmissionCard> admission_card(const Context& context, long long reader_id, long long application_id) {
  std::optional<Outcome<AdmissionCard>> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto application = repos.study_rooms.application(application_id);
    const auto period = application ? repos.study_rooms.period(application->period_id) : std::nullopt;
    if (!application || application->reader_id != reader_id || !period || !period->published_at ||
        application->outcome != StudyOutcome::kSuccessful || application->card_number.empty()) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = AdmissionCard{*application, *period, card_token(context, application->card_number)};
  });
  return std::move(*result);
}

Outcome<AdmissionCardCheck> check_admission_card(const Context& context, const Actor& actor, const std::string& token) {
  if (!allowed(actor, domain::Permission::kCheckAdmissionCards)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<AdmissionCardCheck>> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto application = repos.study_rooms.by_card_token(context.tokens.digest(token));
    const auto period = application ? repos.study_rooms.period(application->period_id) : std::nullopt;
    if (!application || !period) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    AdmissionCardCheck check{*application, *period, false, local_now(context).date,
                             domain::mask_reader_card(application->reader_card_number)};
    check.valid_today = application->outcome == StudyOutcome::kSuccessful && period->published_at &&
                        domain::study_card_valid_on(check.today, period->valid_from, period->valid_until);
    result = check;
  });
  return std::move(*result);
}

int forget_old_study_applications(const Context& context, std::chrono::days keep_for) {
  const auto today = context.zone.to_local(context.clock.now()).date;
  int forgotten = 0;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    forgotten = repos.study_rooms.forget_applications(today - keep_for);
  });
  return forgotten;
}

}  // namespace shelfmark::app
