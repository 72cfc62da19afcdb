#include "app/activities.h"

#include <algorithm>

#include "app/messages.h"
#include "core/time.h"

namespace shelfmark::app {
namespace {

using domain::Activity;
using domain::EnrolmentStatus;
using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

// What a message about an activity needs: both titles (it is composed later, in the reader's language) and
// when and where, as local time and the library's code.
std::map<std::string, std::string> activity_params(const Context& context, Repositories& repos, const Activity& a) {
  std::map<std::string, std::string> params{{"activity", std::to_string(a.id)},
                                            {"title_en", a.title.en},
                                            {"title_tc", a.title.tc},
                                            {"venue_en", a.venue.en},
                                            {"venue_tc", a.venue.tc}};
  if (a.starts_at) params["starts"] = format_local_date_time(context.zone.to_local(*a.starts_at));
  if (a.library_id)
    for (const auto& library : repos.libraries.all())
      if (library.id == *a.library_id) {
        params["library_en"] = library.name.en;
        params["library_tc"] = library.name.tc;
      }
  return params;
}

// Offers freed places to the waiting list, in the order readers joined it, and tells each one.
void offer_places(const Context& context, Repositories& repos, Activity& activity, Instant now) {
  const int offer = domain::places_to_offer(activity, now, repos.activities.waiting_count(activity.id));
  if (offer <= 0) return;
  const auto params = activity_params(context, repos, activity);
  for (const auto& waiting : repos.activities.first_waiting(activity.id, offer)) {
    repos.activities.set_enrolment_status(waiting.id, EnrolmentStatus::kConfirmed, now);
    ++activity.places_taken;
    notify_reader(repos, now, waiting.reader_id, "activity_place_offered", params);
  }
  repos.activities.set_places_taken(activity.id, activity.places_taken);
}

bool allowed(const Actor& actor, domain::Permission permission) { return domain::role_allows(actor.role, permission); }

}  // namespace

ActivityPage public_activities(const Context& context, const PublicActivityFilter& filter) {
  ActivityPage page;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    ActivityFilter query;
    query.statuses = {domain::ActivityStatus::kPublished, domain::ActivityStatus::kCancelled};
    if (filter.library_id) query.library_ids.push_back(*filter.library_id);
    if (filter.district) {
      for (const auto& library : repos.libraries.all())
        if (library.district == *filter.district && (!filter.library_id || *filter.library_id == library.id))
          query.library_ids.push_back(library.id);
      if (filter.library_id) query.library_ids.erase(query.library_ids.begin());
      if (query.library_ids.empty()) query.library_ids.push_back(-1);  // nothing there: an empty page
    }
    query.type = filter.type;
    query.audience = filter.audience;
    query.not_ended_by = now;
    if (filter.from) query.from = context.zone.to_instant({*filter.from, 0});
    if (filter.until) query.until = context.zone.to_instant({*filter.until + std::chrono::days(1), 0});
    query.limit = std::clamp(filter.per_page, 1, 100);
    query.offset = std::max(0, filter.page - 1) * query.limit;
    page = repos.activities.list(query);
  });
  return page;
}

std::optional<Activity> public_activity(const Context& context, long long id) {
  std::optional<Activity> activity;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { activity = repos.activities.by_id(id); });
  if (activity && activity->status == domain::ActivityStatus::kDraft) return std::nullopt;
  return activity;
}

std::optional<ReaderEnrolment> reader_enrolment(const Context& context, long long activity_id, long long reader_id) {
  std::optional<ReaderEnrolment> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto enrolment = repos.activities.active_enrolment(activity_id, reader_id);
    if (!enrolment) return;
    result = ReaderEnrolment{enrolment->status, enrolment->status == EnrolmentStatus::kWaitlisted
                                                    ? repos.activities.waiting_position(activity_id, enrolment->id)
                                                    : 0};
  });
  return result;
}

Outcome<ReaderEnrolment> enrol(const Context& context, long long reader_id, long long activity_id) {
  std::optional<Outcome<ReaderEnrolment>> outcome;
  const auto now = context.clock.now();
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      auto activity = repos.activities.lock(activity_id);
      if (!activity || activity->status == domain::ActivityStatus::kDraft) {
        outcome = failure(ErrorCode::kNotFound);
        return;
      }
      const auto reader = repos.circulation.reader_by_id(reader_id);
      if (!reader) {
        outcome = failure(ErrorCode::kNotFound);
        return;
      }
      const bool already = repos.activities.active_enrolment(activity_id, reader_id).has_value();
      const int waiting = repos.activities.waiting_count(activity_id);
      auto status = reader->status;
      if (reader->expires_on && *reader->expires_on < context.zone.to_local(now).date)
        status = domain::ReaderStatus::kExpired;
      auto decision = domain::decide_enrolment(*activity, now, status, already, waiting);
      if (!decision) {
        outcome = decision.error();
        return;
      }
      const auto id = repos.activities.insert_enrolment(activity_id, reader_id, decision.value(), now);
      ReaderEnrolment result{decision.value(), 0};
      if (decision.value() == EnrolmentStatus::kConfirmed)
        repos.activities.set_places_taken(activity_id, activity->places_taken + 1);
      else
        result.waiting_position = repos.activities.waiting_position(activity_id, id);
      auto params = activity_params(context, repos, *activity);
      if (result.waiting_position) params["position"] = std::to_string(result.waiting_position);
      result.told = notify_reader(
          repos, now, reader_id,
          decision.value() == EnrolmentStatus::kConfirmed ? "activity_enrolled" : "activity_waitlisted", params);
      repos.audit.record({now, std::nullopt, "activity.enrol", "activity:" + std::to_string(activity_id),
                          std::string(domain::enrolment_status_code(decision.value()))});
      outcome = result;
    });
  } catch (const StoreError& error) {
    // The unique index caught a second enrolment of the same reader racing the first.
    if (!error.is_unique_violation()) throw;
    return failure(ErrorCode::kAlreadyEnrolled);
  }
  return *outcome;
}

Outcome<domain::Done> cancel_enrolment(const Context& context, long long reader_id, long long activity_id) {
  std::optional<Outcome<domain::Done>> outcome;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto activity = repos.activities.lock(activity_id);
    if (!activity || activity->status == domain::ActivityStatus::kDraft) {
      outcome = failure(ErrorCode::kNotFound);
      return;
    }
    const auto enrolment = repos.activities.active_enrolment(activity_id, reader_id);
    if (!enrolment) {
      outcome = failure(ErrorCode::kNotEnrolled);
      return;
    }
    if (const auto refusal = domain::check_cancellation(*activity, now)) {
      outcome = failure(*refusal);
      return;
    }
    repos.activities.set_enrolment_status(enrolment->id, EnrolmentStatus::kCancelled, now);
    if (enrolment->status == EnrolmentStatus::kConfirmed) {
      activity->places_taken = std::max(0, activity->places_taken - 1);
      repos.activities.set_places_taken(activity_id, activity->places_taken);
      offer_places(context, repos, *activity, now);
    }
    repos.audit.record({now, std::nullopt, "activity.cancel_enrolment", "activity:" + std::to_string(activity_id),
                        std::string(domain::enrolment_status_code(enrolment->status))});
    outcome = domain::Done{};
  });
  return *outcome;
}

void release_enrolments_of_reader(const Context& context, Repositories& repos, long long reader_id, Instant now) {
  for (const auto& [enrolment, listed] : repos.activities.enrolments_of_reader(reader_id, false)) {
    auto activity = repos.activities.lock(listed.id);
    if (!activity) continue;
    repos.activities.set_enrolment_status(enrolment.id, EnrolmentStatus::kCancelled, now);
    if (enrolment.status != EnrolmentStatus::kConfirmed) continue;
    activity->places_taken = std::max(0, activity->places_taken - 1);
    repos.activities.set_places_taken(activity->id, activity->places_taken);
    offer_places(context, repos, *activity, now);
  }
}

MyInformation my_information(const Context& context, long long reader_id) {
  MyInformation info;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (auto& [enrolment, activity] : repos.activities.enrolments_of_reader(reader_id, false)) {
      if (activity.ends_at && *activity.ends_at + std::chrono::days(30) < now) continue;
      ReaderEnrolment state{enrolment.status, 0};
      if (enrolment.status == EnrolmentStatus::kWaitlisted)
        state.waiting_position = repos.activities.waiting_position(activity.id, enrolment.id);
      info.activities.push_back({std::move(activity), state});
    }
    const auto libraries = repos.activities.libraries_used_by(reader_id, now - std::chrono::days(365));
    if (libraries.empty()) return;
    // Current notices that name one of these libraries (network-wide ones are on the notices page already).
    const auto page = repos.notices.published(now, std::nullopt, 200, 0);
    for (const auto& notice : page.notices)
      for (auto library_id : notice.library_ids)
        if (std::find(libraries.begin(), libraries.end(), library_id) != libraries.end()) {
          info.library_news.push_back({library_id, notice});
          break;
        }
  });
  return info;
}

std::vector<std::pair<EnrolmentRecord, Activity>> reader_enrolment_history(const Context& context,
                                                                           long long reader_id) {
  std::vector<std::pair<EnrolmentRecord, Activity>> result;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { result = repos.activities.enrolments_of_reader(reader_id, true); });
  return result;
}

ActivityPage staff_activities(const Context& context, const Actor& actor, int page, int per_page) {
  ActivityPage result;
  if (!allowed(actor, domain::Permission::kManageActivities) && !allowed(actor, domain::Permission::kRunActivities))
    return result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    ActivityFilter filter;
    filter.not_ended_by = context.clock.now() - std::chrono::days(90);
    filter.limit = std::clamp(per_page, 1, 100);
    filter.offset = std::max(0, page - 1) * filter.limit;
    result = repos.activities.list(filter);
  });
  return result;
}

Outcome<Activity> staff_activity(const Context& context, const Actor& actor, long long id) {
  if (!allowed(actor, domain::Permission::kManageActivities) && !allowed(actor, domain::Permission::kRunActivities))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Activity> activity;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { activity = repos.activities.by_id(id); });
  if (!activity) return failure(ErrorCode::kNotFound);
  return *activity;
}

Outcome<long long> save_activity(const Context& context, const Actor& actor, std::optional<long long> id,
                                 long long expected_version, const domain::ActivityInput& input) {
  if (!allowed(actor, domain::Permission::kManageActivities)) return failure(ErrorCode::kPermissionDenied);
  auto draft = domain::validate_activity(input);
  if (!draft) return draft.error();
  const auto now = context.clock.now();
  std::optional<Outcome<long long>> outcome;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    Activity activity;
    if (id) {
      auto stored = repos.activities.lock(*id);
      if (!stored) {
        outcome = failure(ErrorCode::kNotFound);
        return;
      }
      if (stored->version != expected_version) {
        outcome = failure(ErrorCode::kEditConflict);
        return;
      }
      activity = *stored;
    }
    std::vector<domain::FieldError> errors;
    activity.library_id.reset();
    if (!draft->library_code.empty()) {
      for (const auto& library : repos.libraries.all())
        if (library.code == draft->library_code) activity.library_id = library.id;
      if (!activity.library_id) errors.push_back({"library", ErrorCode::kInvalidChoice, {}});
    }
    const auto instant = [&](const std::optional<LocalDateTime>& local) -> std::optional<Instant> {
      if (!local) return std::nullopt;
      return context.zone.to_instant(*local);
    };
    const auto was_status = activity.status;
    const Activity before = activity;
    activity.title = draft->title;
    activity.description = draft->description;
    activity.type = draft->type;
    activity.audience = draft->audience;
    activity.starts_at = instant(draft->starts_at);
    activity.ends_at = instant(draft->ends_at);
    activity.available_from = instant(draft->available_from);
    activity.video_url = draft->video_url;
    activity.venue = draft->venue;
    activity.speaker = draft->speaker;
    activity.organiser = draft->organiser;
    activity.remarks = draft->remarks;
    activity.delivery_language = draft->delivery_language;
    activity.enquiry_phone = draft->enquiry_phone;
    activity.enrolment_opens_at = instant(draft->enrolment_opens_at);
    activity.enrolment_closes_at = instant(draft->enrolment_closes_at);
    activity.status = draft->status;
    // Readers who hold a place keep it: enrolment cannot be switched off, nor the quota cut below them.
    if (!draft->enrolment_required && activity.places_taken > 0)
      errors.push_back(
          {"enrolment_required", ErrorCode::kQuotaBelowEnrolled, {{"taken", std::to_string(activity.places_taken)}}});
    if (draft->enrolment_required)
      if (auto error = domain::check_quota_change(draft->quota, activity.places_taken)) errors.push_back(*error);
    if (id && was_status != domain::ActivityStatus::kDraft && draft->status == domain::ActivityStatus::kDraft)
      errors.push_back({"status", ErrorCode::kPublishedNotDraft, {}});
    if (!errors.empty()) {
      outcome = domain::invalid(std::move(errors));
      return;
    }
    activity.enrolment_required = draft->enrolment_required;
    activity.quota = draft->enrolment_required ? draft->quota : 0;
    activity.updated_at = now;
    long long saved_id = 0;
    if (id) {
      if (!repos.activities.update(activity, expected_version)) {
        outcome = failure(ErrorCode::kEditConflict);
        return;
      }
      saved_id = *id;
      if (activity.status == domain::ActivityStatus::kCancelled && was_status != domain::ActivityStatus::kCancelled) {
        // Everyone holding or waiting for a place is told. Their enrolments stay as they were, so My Information
        // shows the activity marked cancelled (and, should it be restored, nobody has lost a place).
        const auto params = activity_params(context, repos, activity);
        for (const auto& row : repos.activities.enrolment_list(saved_id, false))
          notify_reader(repos, now, row.enrolment.reader_id, "activity_cancelled", params);
      } else {
        offer_places(context, repos, activity, now);  // a raised quota goes to the waiting list
        // A new time or place is told to everyone enrolled, so that their plans and calendars follow.
        if (activity.status == domain::ActivityStatus::kPublished && was_status == domain::ActivityStatus::kPublished &&
            (activity.starts_at != before.starts_at || activity.ends_at != before.ends_at ||
             activity.library_id != before.library_id || !(activity.venue == before.venue))) {
          const auto params = activity_params(context, repos, activity);
          for (const auto& row : repos.activities.enrolment_list(saved_id, false))
            notify_reader(repos, now, row.enrolment.reader_id, "activity_changed", params);
        }
      }
    } else {
      saved_id = repos.activities.insert(activity, now);
    }
    repos.audit.record({now, actor.staff_id, id ? "activity.update" : "activity.create",
                        "activity:" + std::to_string(saved_id),
                        "status=" + std::string(domain::activity_status_code(activity.status))});
    outcome = saved_id;
  });
  return *outcome;
}

Outcome<EnrolmentList> enrolment_list(const Context& context, const Actor& actor, long long activity_id) {
  if (!allowed(actor, domain::Permission::kRunActivities)) return failure(ErrorCode::kPermissionDenied);
  std::optional<EnrolmentList> list;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto activity = repos.activities.by_id(activity_id);
    if (!activity) return;
    list = EnrolmentList{*activity, repos.activities.enrolment_list(activity_id, false)};
  });
  if (!list) return failure(ErrorCode::kNotFound);
  return *list;
}

Outcome<int> mark_attendance(const Context& context, const Actor& actor, long long activity_id,
                             const std::map<long long, std::optional<bool>>& attendance) {
  if (!allowed(actor, domain::Permission::kRunActivities)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  std::optional<Outcome<int>> outcome;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto activity = repos.activities.by_id(activity_id);
    if (!activity) {
      outcome = failure(ErrorCode::kNotFound);
      return;
    }
    if (!domain::attendance_can_be_marked(*activity, now)) {
      outcome = failure(ErrorCode::kAttendanceTooEarly);
      return;
    }
    // Every id is checked before anything is written, so a form mixed up with another activity changes nothing.
    std::vector<std::pair<EnrolmentRecord, std::optional<bool>>> changes;
    for (const auto& [enrolment_id, attended] : attendance) {
      const auto enrolment = repos.activities.enrolment_by_id(enrolment_id);
      if (!enrolment || enrolment->activity_id != activity_id || enrolment->status != EnrolmentStatus::kConfirmed) {
        outcome = failure(ErrorCode::kNotFound);
        return;
      }
      if (enrolment->attended != attended) changes.emplace_back(*enrolment, attended);
    }
    for (const auto& [enrolment, attended] : changes)
      repos.activities.set_attendance(enrolment.id, attended, actor.staff_id, now);
    const int changed = static_cast<int>(changes.size());
    repos.audit.record({now, actor.staff_id, "activity.attendance", "activity:" + std::to_string(activity_id),
                        "changed=" + std::to_string(changed)});
    outcome = changed;
  });
  return *outcome;
}

int forget_old_enrolments(const Context& context, std::chrono::days keep_for) {
  int forgotten = 0;
  const auto before = context.clock.now() - keep_for;
  context.store.transact(Store::Mode::kWrite,
                         [&](Repositories& repos) { forgotten = repos.activities.forget_enrolments(before); });
  return forgotten;
}

}  // namespace shelfmark::app
