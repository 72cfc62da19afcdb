// Extension activities (talks, workshops, storytelling, exhibitions, reading programmes, video recordings)
// and the rules of enrolment: quotas, the waiting list and who moves up when a place frees.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/circulation.h"
#include "domain/errors.h"
#include "domain/library.h"

namespace shelfmark::domain {

enum class ActivityType { kTalk, kWorkshop, kStorytelling, kExhibition, kReadingProgramme, kVideoRecording };
inline constexpr ActivityType kAllActivityTypes[] = {
    ActivityType::kTalk,       ActivityType::kWorkshop,         ActivityType::kStorytelling,
    ActivityType::kExhibition, ActivityType::kReadingProgramme, ActivityType::kVideoRecording};
std::string_view activity_type_code(ActivityType type);   // "talk", "workshop", ... "video_recording"
std::string_view activity_type_label(ActivityType type);  // English label, a gettext msgid
std::optional<ActivityType> parse_activity_type(std::string_view code);

enum class ActivityAudience { kEveryone, kChildren, kTeenagers, kAdults, kSeniors, kFamilies };
inline constexpr ActivityAudience kAllActivityAudiences[] = {ActivityAudience::kEveryone,  ActivityAudience::kChildren,
                                                             ActivityAudience::kTeenagers, ActivityAudience::kAdults,
                                                             ActivityAudience::kSeniors,   ActivityAudience::kFamilies};
std::string_view activity_audience_code(ActivityAudience audience);
std::string_view activity_audience_label(ActivityAudience audience);
std::optional<ActivityAudience> parse_activity_audience(std::string_view code);

enum class DeliveryLanguage { kCantonese, kPutonghua, kEnglish, kCantoneseAndEnglish };
inline constexpr DeliveryLanguage kAllDeliveryLanguages[] = {DeliveryLanguage::kCantonese, DeliveryLanguage::kPutonghua,
                                                             DeliveryLanguage::kEnglish,
                                                             DeliveryLanguage::kCantoneseAndEnglish};
std::string_view delivery_language_code(DeliveryLanguage language);
std::string_view delivery_language_label(DeliveryLanguage language);
std::optional<DeliveryLanguage> parse_delivery_language(std::string_view code);

// A draft is seen by staff only; a cancelled activity stays visible, marked cancelled, and takes no enrolment.
enum class ActivityStatus { kDraft, kPublished, kCancelled };
std::string_view activity_status_code(ActivityStatus status);
std::string_view activity_status_label(ActivityStatus status);
std::optional<ActivityStatus> parse_activity_status(std::string_view code);

struct Activity {
  long long id = 0;
  Localized title;
  Localized description;  // plain text; a blank line separates paragraphs
  ActivityType type = ActivityType::kTalk;
  ActivityAudience audience = ActivityAudience::kEveryone;
  // An event has a start and an end; a video recording has instead the moment it becomes viewable and its
  // link, which is shown from then only.
  std::optional<Instant> starts_at;
  std::optional<Instant> ends_at;
  std::optional<Instant> available_from;
  std::string video_url;
  std::optional<long long> library_id;  // held at a library; otherwise `venue` says where
  Localized venue;                      // the room at the library, or the place elsewhere
  Localized speaker;
  Localized organiser;
  Localized remarks;
  DeliveryLanguage delivery_language = DeliveryLanguage::kCantonese;
  std::string enquiry_phone;
  bool enrolment_required = false;
  int quota = 0;                               // places, when enrolment is required
  std::optional<Instant> enrolment_opens_at;   // none: as soon as it is published
  std::optional<Instant> enrolment_closes_at;  // none: when it starts
  ActivityStatus status = ActivityStatus::kDraft;
  int places_taken = 0;  // confirmed enrolments, kept with the activity so that taking one is one row update
  int waiting = 0;       // on the waiting list (read with the activity; not stored)
  Instant updated_at;
  long long version = 1;
};

bool is_recording(const Activity& activity);
// When enrolment closes: the stated time, else the start.
std::optional<Instant> enrolment_closes_at(const Activity& activity);
// Enrolment is open from its opening time (else publication) until it closes (else the start).
enum class EnrolmentWindow { kNotYetOpen, kOpen, kClosed };
EnrolmentWindow enrolment_window(const Activity& activity, Instant now);
// The link of a recording is shown from its viewing time only.
bool video_link_visible(const Activity& activity, Instant now);
// Over: an event that has ended. Recordings stay on the list.
bool activity_is_over(const Activity& activity, Instant now);

// What staff typed (times as "2026-03-05T09:30" in the library's time zone).
struct ActivityInput {
  std::string title_en, title_tc, description_en, description_tc;
  std::string type, audience, delivery_language, status;
  std::string starts_at, ends_at, available_from, video_url;
  std::string library_code;  // empty: elsewhere
  std::string venue_en, venue_tc, speaker_en, speaker_tc, organiser_en, organiser_tc, remarks_en, remarks_tc;
  std::string enquiry_phone;
  bool enrolment_required = false;
  std::string quota;
  std::string enrolment_opens_at, enrolment_closes_at;
};

struct ActivityDraft {
  Localized title, description, venue, speaker, organiser, remarks;
  ActivityType type = ActivityType::kTalk;
  ActivityAudience audience = ActivityAudience::kEveryone;
  DeliveryLanguage delivery_language = DeliveryLanguage::kCantonese;
  ActivityStatus status = ActivityStatus::kDraft;
  std::optional<LocalDateTime> starts_at, ends_at, available_from, enrolment_opens_at, enrolment_closes_at;
  std::string video_url;
  std::string library_code;
  std::string enquiry_phone;
  bool enrolment_required = false;
  int quota = 0;
};

inline constexpr std::size_t kActivityTitleMax = 200;
inline constexpr std::size_t kActivityTextMax = 5000;
inline constexpr std::size_t kActivityShortTextMax = 200;
inline constexpr std::size_t kVideoUrlMax = 500;
inline constexpr int kActivityQuotaMax = 5000;

// Checks the form: a title in at least one language, a known type, audience and language; an event has a
// start before its end (the same day or later), a recording a viewing time and an https link; enrolment
// needs a quota of 1 to kActivityQuotaMax and closes no later than the start. The caller resolves the
// library code and converts the times.
Outcome<ActivityDraft> validate_activity(const ActivityInput& input);
// A quota may not fall below the places already taken (those readers were promised a place).
[[nodiscard]] std::optional<FieldError> check_quota_change(int new_quota, int places_taken);

enum class EnrolmentStatus { kConfirmed, kWaitlisted, kCancelled };
std::string_view enrolment_status_code(EnrolmentStatus status);
std::string_view enrolment_status_label(EnrolmentStatus status);
std::optional<EnrolmentStatus> parse_enrolment_status(std::string_view code);

// The waiting list is as long as the quota, and at least kMinimumWaitingList: longer lists only raise hopes.
inline constexpr int kMinimumWaitingList = 5;
int waiting_list_limit(int quota);

// Whether a reader may enrol now, and on what footing: a place while places_taken < quota, else a place on
// the waiting list while it has room. Refusals: kActivityNotOpen (a draft or cancelled activity, or one
// that needs no enrolment), kEnrolmentNotYetOpen, kEnrolmentClosed, kReaderNotActive / kReaderExpired /
// kCardReportedLost, kAlreadyEnrolled, kActivityFull. `reader_status` is kExpired for an account past its
// expiry date.
Outcome<EnrolmentStatus> decide_enrolment(const Activity& activity, Instant now, ReaderStatus reader_status,
                                          bool already_enrolled, int waiting);
// Places taken and the waiting list full as well: nobody more can even wait.
bool enrolment_full(const Activity& activity);
// A reader may cancel until the activity starts (afterwards the place is used or lost).
[[nodiscard]] std::optional<ErrorCode> check_cancellation(const Activity& activity, Instant now);
// How many readers on the waiting list get a place now: places freed before the start are offered in
// waiting-list order; after the start nobody moves up.
int places_to_offer(const Activity& activity, Instant now, int waiting);
// Attendance is marked from an hour before the start.
bool attendance_can_be_marked(const Activity& activity, Instant now);

}  // namespace shelfmark::domain
