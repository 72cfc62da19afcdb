#include "domain/activity.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"
#include "domain/code_table.h"

namespace shelfmark::domain {
namespace {

constexpr CodeRow<ActivityType> kTypes[] = {
    {ActivityType::kTalk, "talk", "Talk"},
    {ActivityType::kWorkshop, "workshop", "Workshop"},
    {ActivityType::kStorytelling, "storytelling", "Storytelling"},
    {ActivityType::kExhibition, "exhibition", "Exhibition"},
    {ActivityType::kReadingProgramme, "reading_programme", "Reading programme"},
    {ActivityType::kVideoRecording, "video_recording", "Video recording"},
};
constexpr CodeRow<ActivityAudience> kAudiences[] = {
    {ActivityAudience::kEveryone, "everyone", "Everyone"},
    {ActivityAudience::kChildren, "children", "Children"},
    {ActivityAudience::kTeenagers, "teenagers", "Teenagers"},
    {ActivityAudience::kAdults, "adults", "Adults"},
    {ActivityAudience::kSeniors, "seniors", "Senior citizens"},
    {ActivityAudience::kFamilies, "families", "Parents and children"},
};
constexpr CodeRow<DeliveryLanguage> kDeliveryLanguages[] = {
    {DeliveryLanguage::kCantonese, "cantonese", "Cantonese"},
    {DeliveryLanguage::kPutonghua, "putonghua", "Putonghua"},
    {DeliveryLanguage::kEnglish, "english", "English"},
    {DeliveryLanguage::kCantoneseAndEnglish, "cantonese_english", "Cantonese and English"},
};
constexpr CodeRow<ActivityStatus> kActivityStatuses[] = {
    {ActivityStatus::kDraft, "draft", "Draft (not shown to the public)"},
    {ActivityStatus::kPublished, "published", "Published"},
    {ActivityStatus::kCancelled, "cancelled", "Cancelled"},
};
constexpr CodeRow<EnrolmentStatus> kEnrolmentStatuses[] = {
    {EnrolmentStatus::kConfirmed, "confirmed", "Enrolled"},
    {EnrolmentStatus::kWaitlisted, "waitlisted", "On the waiting list"},
    {EnrolmentStatus::kCancelled, "cancelled", "Cancelled"},
};

std::optional<LocalDateTime> read_time(std::vector<FieldError>& errors, const std::string& field,
                                       const std::string& text, bool required) {
  const auto trimmed = trim(text);
  if (trimmed.empty()) {
    if (required) errors.push_back({field, ErrorCode::kRequired, {}});
    return std::nullopt;
  }
  auto value = parse_local_date_time(trimmed);
  if (!value) errors.push_back({field, ErrorCode::kInvalidDateTime, {}});
  return value;
}

Localized localized(const std::string& en, const std::string& tc) {
  return {clean_single_line_text(en), clean_single_line_text(tc)};
}

}  // namespace

std::string_view activity_type_code(ActivityType type) { return code_of(kTypes, type); }
std::string_view activity_type_label(ActivityType type) { return label_of(kTypes, type); }
std::optional<ActivityType> parse_activity_type(std::string_view code) { return parse_code(kTypes, code); }
std::string_view activity_audience_code(ActivityAudience audience) { return code_of(kAudiences, audience); }
std::string_view activity_audience_label(ActivityAudience audience) { return label_of(kAudiences, audience); }
std::optional<ActivityAudience> parse_activity_audience(std::string_view code) { return parse_code(kAudiences, code); }
std::string_view delivery_language_code(DeliveryLanguage language) { return code_of(kDeliveryLanguages, language); }
std::string_view delivery_language_label(DeliveryLanguage language) { return label_of(kDeliveryLanguages, language); }
std::optional<DeliveryLanguage> parse_delivery_language(std::string_view code) {
  return parse_code(kDeliveryLanguages, code);
}
std::string_view activity_status_code(ActivityStatus status) { return code_of(kActivityStatuses, status); }
std::string_view activity_status_label(ActivityStatus status) { return label_of(kActivityStatuses, status); }
std::optional<ActivityStatus> parse_activity_status(std::string_view code) {
  return parse_code(kActivityStatuses, code);
}
std::string_view enrolment_status_code(EnrolmentStatus status) { return code_of(kEnrolmentStatuses, status); }
std::string_view enrolment_status_label(EnrolmentStatus status) { return label_of(kEnrolmentStatuses, status); }
std::optional<EnrolmentStatus> parse_enrolment_status(std::string_view code) {
  return parse_code(kEnrolmentStatuses, code);
}

bool is_recording(const Activity& activity) { return activity.type == ActivityType::kVideoRecording; }

std::optional<Instant> enrolment_closes_at(const Activity& activity) {
  return activity.enrolment_closes_at ? activity.enrolment_closes_at : activity.starts_at;
}

EnrolmentWindow enrolment_window(const Activity& activity, Instant now) {
  if (activity.enrolment_opens_at && now < *activity.enrolment_opens_at) return EnrolmentWindow::kNotYetOpen;
  const auto closes = enrolment_closes_at(activity);
  if (closes && now >= *closes) return EnrolmentWindow::kClosed;
  return EnrolmentWindow::kOpen;
}

bool video_link_visible(const Activity& activity, Instant now) {
  return is_recording(activity) && activity.status == ActivityStatus::kPublished && activity.available_from &&
         *activity.available_from <= now && !activity.video_url.empty();
}

bool activity_is_over(const Activity& activity, Instant now) {
  return !is_recording(activity) && activity.ends_at && *activity.ends_at <= now;
}

Outcome<ActivityDraft> validate_activity(const ActivityInput& input) {
  std::vector<FieldError> errors;
  check_text(errors, "title_en", input.title_en, kActivityTitleMax, false);
  check_text(errors, "title_tc", input.title_tc, kActivityTitleMax, false);
  if (trim(input.title_en).empty() && trim(input.title_tc).empty())
    errors.push_back({"title_en", ErrorCode::kTitleInOneLanguage, {}});
  check_text(errors, "description_en", input.description_en, kActivityTextMax, false);
  check_text(errors, "description_tc", input.description_tc, kActivityTextMax, false);
  for (const auto& [field, value] : {std::pair{"venue_en", &input.venue_en},
                                     {"venue_tc", &input.venue_tc},
                                     {"speaker_en", &input.speaker_en},
                                     {"speaker_tc", &input.speaker_tc},
                                     {"organiser_en", &input.organiser_en},
                                     {"organiser_tc", &input.organiser_tc},
                                     {"remarks_en", &input.remarks_en},
                                     {"remarks_tc", &input.remarks_tc}})
    check_text(errors, field, *value, field[0] == 'r' ? kActivityTextMax : kActivityShortTextMax, false);

  ActivityDraft draft;
  const auto type = parse_activity_type(trim(input.type));
  if (!type) errors.push_back({"type", ErrorCode::kInvalidChoice, {}});
  const auto audience = parse_activity_audience(trim(input.audience));
  if (!audience) errors.push_back({"audience", ErrorCode::kInvalidChoice, {}});
  const auto delivery = parse_delivery_language(trim(input.delivery_language));
  if (!delivery) errors.push_back({"delivery_language", ErrorCode::kInvalidChoice, {}});
  const auto status = parse_activity_status(trim(input.status));
  if (!status) errors.push_back({"status", ErrorCode::kInvalidChoice, {}});

  const bool recording = type == ActivityType::kVideoRecording;
  if (recording) {
    draft.available_from = read_time(errors, "available_from", input.available_from, true);
    const auto url = std::string(trim(input.video_url));
    if (url.empty())
      errors.push_back({"video_url", ErrorCode::kRequired, {}});
    else if (url.size() > kVideoUrlMax || !url.starts_with("https://") || url.size() < 12 ||
             url.find_first_of(" \t\r\n\"'<>") != std::string::npos)
      errors.push_back({"video_url", ErrorCode::kUrlInvalid, {}});
    draft.video_url = url;
    if (input.enrolment_required) errors.push_back({"enrolment_required", ErrorCode::kRecordingNoEnrolment, {}});
  } else {
    draft.starts_at = read_time(errors, "starts_at", input.starts_at, true);
    draft.ends_at = read_time(errors, "ends_at", input.ends_at, true);
    if (draft.starts_at && draft.ends_at && *draft.ends_at <= *draft.starts_at)
      errors.push_back({"ends_at", ErrorCode::kEndNotAfterStart, {}});
  }

  const auto phone = trim(input.enquiry_phone);
  bool phone_ok = phone.size() <= 30;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (!((c >= '0' && c <= '9') || c == ' ' || (c == '+' && i == 0))) phone_ok = false;
  }
  if (!phone_ok) errors.push_back({"enquiry_phone", ErrorCode::kInvalidPhone, {}});

  if (input.enrolment_required && !recording) {
    const auto text = trim(input.quota);
    int quota = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), quota);
    if (text.empty())
      errors.push_back({"quota", ErrorCode::kRequired, {}});
    else if (ec != std::errc() || end != text.data() + text.size() || quota < 1 || quota > kActivityQuotaMax)
      errors.push_back(
          {"quota", ErrorCode::kNumberOutOfRange, {{"min", "1"}, {"max", std::to_string(kActivityQuotaMax)}}});
    draft.quota = quota;
    draft.enrolment_opens_at = read_time(errors, "enrolment_opens_at", input.enrolment_opens_at, false);
    draft.enrolment_closes_at = read_time(errors, "enrolment_closes_at", input.enrolment_closes_at, false);
    if (draft.enrolment_opens_at && draft.enrolment_closes_at &&
        *draft.enrolment_closes_at <= *draft.enrolment_opens_at)
      errors.push_back({"enrolment_closes_at", ErrorCode::kEndNotAfterStart, {}});
    if (draft.enrolment_closes_at && draft.starts_at && *draft.enrolment_closes_at > *draft.starts_at)
      errors.push_back({"enrolment_closes_at", ErrorCode::kEnrolmentClosesAfterStart, {}});
    if (draft.enrolment_opens_at && draft.starts_at && *draft.enrolment_opens_at >= *draft.starts_at)
      errors.push_back({"enrolment_opens_at", ErrorCode::kEnrolmentClosesAfterStart, {}});
  }
  if (!errors.empty()) return invalid(std::move(errors));

  draft.title = localized(input.title_en, input.title_tc);
  draft.description = {clean_multiline_text(input.description_en), clean_multiline_text(input.description_tc)};
  draft.venue = localized(input.venue_en, input.venue_tc);
  draft.speaker = localized(input.speaker_en, input.speaker_tc);
  draft.organiser = localized(input.organiser_en, input.organiser_tc);
  draft.remarks = {clean_multiline_text(input.remarks_en), clean_multiline_text(input.remarks_tc)};
  draft.type = *type;
  draft.audience = *audience;
  draft.delivery_language = *delivery;
  draft.status = *status;
  draft.library_code = std::string(trim(input.library_code));
  draft.enquiry_phone = std::string(phone);
  draft.enrolment_required = input.enrolment_required && !recording;
  return draft;
}

std::optional<FieldError> check_quota_change(int new_quota, int places_taken) {
  if (new_quota < places_taken)
    return FieldError{"quota", ErrorCode::kQuotaBelowEnrolled, {{"taken", std::to_string(places_taken)}}};
  return std::nullopt;
}

int waiting_list_limit(int quota) { return std::max(quota, kMinimumWaitingList); }

Outcome<EnrolmentStatus> decide_enrolment(const Activity& activity, Instant now, ReaderStatus reader_status,
                                          bool already_enrolled, int waiting) {
  if (activity.status != ActivityStatus::kPublished || !activity.enrolment_required || is_recording(activity))
    return failure(ErrorCode::kActivityNotOpen);
  switch (enrolment_window(activity, now)) {
    case EnrolmentWindow::kNotYetOpen:
      return failure(ErrorCode::kEnrolmentNotYetOpen);
    case EnrolmentWindow::kClosed:
      return failure(ErrorCode::kEnrolmentClosed);
    case EnrolmentWindow::kOpen:
      break;
  }
  // As for borrowing: a card reported lost is replaced at a counter first (reporting a loss must not be a way
  // round a suspension), and an account past its expiry date is expired whatever its status says.
  // The one status rule of every service (domain::status_refusal).
  if (const auto refusal = status_refusal(reader_status)) return failure(*refusal);
  if (already_enrolled) return failure(ErrorCode::kAlreadyEnrolled);
  if (activity.places_taken < activity.quota) return EnrolmentStatus::kConfirmed;
  if (waiting < waiting_list_limit(activity.quota)) return EnrolmentStatus::kWaitlisted;
  return failure(ErrorCode::kActivityFull);
}

bool enrolment_full(const Activity& activity) {
  return activity.places_taken >= activity.quota && activity.waiting >= waiting_list_limit(activity.quota);
}

std::optional<ErrorCode> check_cancellation(const Activity& activity, Instant now) {
  if (activity.starts_at && now >= *activity.starts_at) return ErrorCode::kActivityStarted;
  return std::nullopt;
}

int places_to_offer(const Activity& activity, Instant now, int waiting) {
  if (activity.status != ActivityStatus::kPublished || !activity.enrolment_required) return 0;
  if (activity.starts_at && now >= *activity.starts_at) return 0;
  return std::clamp(activity.quota - activity.places_taken, 0, waiting);
}

bool attendance_can_be_marked(const Activity& activity, Instant now) {
  return activity.starts_at && now >= *activity.starts_at - std::chrono::hours(1);
}

}  // namespace shelfmark::domain
