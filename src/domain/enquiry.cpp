#include "domain/enquiry.h"

#include "core/text.h"
#include "domain/code_table.h"
#include "domain/registration.h"

namespace shelfmark::domain {
namespace {

constexpr CodeRow<EnquirySubject> kSubjects[] = {
    {EnquirySubject::kLibraryServices, "library_services", "Library services"},
    {EnquirySubject::kBorrowing, "borrowing", "Borrowing and reservations"},
    {EnquirySubject::kReference, "reference", "Reference and research"},
    {EnquirySubject::kHongKongStudies, "hong_kong_studies", "Hong Kong studies"},
    {EnquirySubject::kEResources, "e_resources", "E-resources"},
    {EnquirySubject::kOther, "other", "Other"},
};

constexpr CodeRow<EnquiryStatus> kStatuses[] = {
    {EnquiryStatus::kNew, "new", "New"},
    {EnquiryStatus::kClaimed, "claimed", "Claimed"},
    {EnquiryStatus::kAnswered, "answered", "Answered"},
    {EnquiryStatus::kClosed, "closed", "Enquiry closed"},
    {EnquiryStatus::kTransferred, "transferred", "Transferred"},
};

std::string cleaned(std::string_view text) { return std::string(trim(clean_multiline_text(text))); }

Outcome<std::string> validate_text(std::string_view text, const char* field, std::size_t max) {
  std::vector<FieldError> errors;
  check_text(errors, field, text, max, true);
  if (!errors.empty()) return invalid(std::move(errors));
  return cleaned(text);
}

}  // namespace

std::string_view enquiry_subject_code(EnquirySubject subject) { return code_of(kSubjects, subject); }
std::string_view enquiry_subject_label(EnquirySubject subject) { return label_of(kSubjects, subject); }
std::optional<EnquirySubject> parse_enquiry_subject(std::string_view code) { return parse_code(kSubjects, code); }
const std::vector<EnquirySubject>& all_enquiry_subjects() {
  static const std::vector<EnquirySubject> kAll = [] {
    std::vector<EnquirySubject> all;
    for (const auto& row : kSubjects) all.push_back(row.value);
    return all;
  }();
  return kAll;
}

std::string_view enquiry_status_code(EnquiryStatus status) { return code_of(kStatuses, status); }
std::string_view enquiry_status_label(EnquiryStatus status) { return label_of(kStatuses, status); }
std::optional<EnquiryStatus> parse_enquiry_status(std::string_view code) { return parse_code(kStatuses, code); }
const std::vector<EnquiryStatus>& all_enquiry_statuses() {
  static const std::vector<EnquiryStatus> kAll = [] {
    std::vector<EnquiryStatus> all;
    for (const auto& row : kStatuses) all.push_back(row.value);
    return all;
  }();
  return kAll;
}

bool enquiry_awaiting_answer(EnquiryStatus status) {
  return status == EnquiryStatus::kNew || status == EnquiryStatus::kClaimed || status == EnquiryStatus::kTransferred;
}
bool enquiry_claimable(EnquiryStatus status) {
  return status == EnquiryStatus::kNew || status == EnquiryStatus::kTransferred;
}

bool enquiry_overdue(EnquiryStatus status, Instant submitted_at, Instant now) {
  return enquiry_awaiting_answer(status) && now - submitted_at > std::chrono::hours(kEnquiryAnswerHours);
}

std::optional<ErrorCode> can_claim(EnquiryStatus status, bool claimed_by_actor) {
  if (status == EnquiryStatus::kClosed) return ErrorCode::kEnquiryClosed;
  if (enquiry_claimable(status)) return std::nullopt;
  if (status == EnquiryStatus::kClaimed && claimed_by_actor) return std::nullopt;  // already theirs
  if (status == EnquiryStatus::kClaimed) return ErrorCode::kEnquiryClaimedByAnother;
  return ErrorCode::kEnquiryAlreadyAnswered;
}

std::optional<ErrorCode> can_reply(EnquiryStatus status, bool claimed_by_actor) {
  if (status == EnquiryStatus::kClosed) return ErrorCode::kEnquiryClosed;
  if (enquiry_claimable(status)) return ErrorCode::kEnquiryNotClaimed;
  // Claimed or answered: only by whoever holds it (a follow-up after an answer included).
  if (!claimed_by_actor) return ErrorCode::kEnquiryClaimedByAnother;
  return std::nullopt;
}

std::optional<ErrorCode> can_transfer(EnquiryStatus status, bool claimed, bool claimed_by_actor) {
  if (status == EnquiryStatus::kClosed) return ErrorCode::kEnquiryClosed;
  if (status == EnquiryStatus::kAnswered) return ErrorCode::kEnquiryAlreadyAnswered;
  if (claimed && !claimed_by_actor) return ErrorCode::kEnquiryClaimedByAnother;
  return std::nullopt;
}

std::optional<ErrorCode> can_release(EnquiryStatus status, bool claimed_by_actor, Role role) {
  if (status == EnquiryStatus::kClaimed && !claimed_by_actor && role != Role::kAdministrator)
    return ErrorCode::kEnquiryClaimedByAnother;
  return std::nullopt;
}

std::optional<ErrorCode> can_close(EnquiryStatus status, bool claimed, bool claimed_by_actor) {
  if (status == EnquiryStatus::kClosed) return ErrorCode::kEnquiryClosed;
  if (status == EnquiryStatus::kClaimed && claimed && !claimed_by_actor) return ErrorCode::kEnquiryClaimedByAnother;
  return std::nullopt;
}

Outcome<EnquiryDetails> validate_enquiry(const EnquiryForm& form, bool signed_in_reader) {
  std::vector<FieldError> errors;
  EnquiryDetails details;
  if (!signed_in_reader) {
    check_text(errors, "name", form.name, kEnquiryNameMax, true);
    details.name = clean_single_line_text(form.name);
    if (trim(form.email).empty()) {
      errors.push_back({"email", ErrorCode::kRequired, {}});
    } else if (auto email = normalise_email(form.email)) {
      details.email = *email;
    } else {
      errors.push_back({"email", ErrorCode::kEmailInvalid, {}});
    }
  }
  if (auto subject = parse_enquiry_subject(form.subject))
    details.subject = *subject;
  else
    errors.push_back({"subject", ErrorCode::kInvalidChoice, {}});
  if (auto language = parse_language_code(form.language))
    details.language = *language;
  else
    errors.push_back({"language", ErrorCode::kInvalidChoice, {}});
  details.library = std::string(trim(form.library));
  const auto before = errors.size();
  check_text(errors, "question", form.question, kEnquiryQuestionMax, true);
  if (errors.size() == before) {
    details.question = cleaned(form.question);
    if (utf8_length(details.question) < kEnquiryQuestionMin)
      errors.push_back({"question", ErrorCode::kTooShort, {{"min", std::to_string(kEnquiryQuestionMin)}}});
  }
  if (!errors.empty()) return invalid(std::move(errors));
  return details;
}

Outcome<std::string> validate_reply(std::string_view text) { return validate_text(text, "reply", kEnquiryReplyMax); }
Outcome<std::string> validate_transfer_note(std::string_view text) {
  return validate_text(text, "note", kEnquiryNoteMax);
}

Outcome<FaqInput> validate_faq(const FaqInput& input) {
  std::vector<FieldError> errors;
  FaqInput faq;
  const bool has_en = !trim(input.question_en).empty() || !trim(input.answer_en).empty();
  const bool has_tc = !trim(input.question_tc).empty() || !trim(input.answer_tc).empty();
  if (!has_en && !has_tc) {
    errors.push_back({"question_en", ErrorCode::kFaqLanguageRequired, {}});
    return invalid(std::move(errors));
  }
  if (has_en) {
    check_text(errors, "question_en", input.question_en, kFaqTextMax, true);
    check_text(errors, "answer_en", input.answer_en, kFaqTextMax, true);
  }
  if (has_tc) {
    check_text(errors, "question_tc", input.question_tc, kFaqTextMax, true);
    check_text(errors, "answer_tc", input.answer_tc, kFaqTextMax, true);
  }
  if (!errors.empty()) return invalid(std::move(errors));
  if (has_en) {
    faq.question_en = cleaned(input.question_en);
    faq.answer_en = cleaned(input.answer_en);
  }
  if (has_tc) {
    faq.question_tc = cleaned(input.question_tc);
    faq.answer_tc = cleaned(input.answer_tc);
  }
  return faq;
}

}  // namespace shelfmark::domain
