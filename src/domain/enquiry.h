// Ask a Librarian: enquiries from readers and the public, their states, the overdue rule, and the
// anonymised answers staff publish as frequently asked questions. Pure rules; storing, emailing and the
// rate limits' counting are app/ and adapters.
//
//   new --claim--> claimed --reply--> answered --close--> closed
//    |  <--transfer--'   \--close--> closed        (answered may be replied to again by the one who claimed it)
//    '--transfer--> transferred --claim--> claimed       (a transferred enquiry waits in its new library's queue)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"
#include "domain/library.h"
#include "domain/staff.h"

namespace shelfmark::domain {

enum class EnquirySubject { kLibraryServices, kBorrowing, kReference, kHongKongStudies, kEResources, kOther };
std::string_view enquiry_subject_code(EnquirySubject subject);  // "library_services", ...
std::string_view enquiry_subject_label(EnquirySubject subject);
std::optional<EnquirySubject> parse_enquiry_subject(std::string_view code);
const std::vector<EnquirySubject>& all_enquiry_subjects();

enum class EnquiryStatus { kNew, kClaimed, kAnswered, kClosed, kTransferred };
std::string_view enquiry_status_code(EnquiryStatus status);  // "new", "claimed", "answered", "closed", "transferred"
std::string_view enquiry_status_label(EnquiryStatus status);
std::optional<EnquiryStatus> parse_enquiry_status(std::string_view code);
const std::vector<EnquiryStatus>& all_enquiry_statuses();

// Still waiting for an answer: in a queue, unclaimed or claimed.
bool enquiry_awaiting_answer(EnquiryStatus status);
// Someone may claim it: nobody holds it.
bool enquiry_claimable(EnquiryStatus status);

// An enquiry is overdue when it has waited for an answer more than this since it was sent. 72 hours (three
// days, weekends included) is the service promise printed on the form: simpler to state and to check than
// working days, and stricter.
inline constexpr int kEnquiryAnswerHours = 72;
bool enquiry_overdue(EnquiryStatus status, Instant submitted_at, Instant now);

// What each staff action needs. `claimed_by_actor` is true when the enquiry is claimed by the member of staff
// acting. Failures: kEnquiryClaimedByAnother, kEnquiryNotClaimed, kEnquiryClosed.
[[nodiscard]] std::optional<ErrorCode> can_claim(EnquiryStatus status, bool claimed_by_actor);
[[nodiscard]] std::optional<ErrorCode> can_reply(EnquiryStatus status, bool claimed_by_actor);
[[nodiscard]] std::optional<ErrorCode> can_transfer(EnquiryStatus status, bool claimed, bool claimed_by_actor);
[[nodiscard]] std::optional<ErrorCode> can_close(EnquiryStatus status, bool claimed, bool claimed_by_actor);
// Giving up a claim, so that the enquiry is back in the queue for anyone: the one who claimed it may, and an
// administrator may for a colleague who is away. An enquiry nobody holds has nothing to give up (nullopt).
[[nodiscard]] std::optional<ErrorCode> can_release(EnquiryStatus status, bool claimed_by_actor, Role role);

// Limits on what is typed, in characters.
inline constexpr std::size_t kEnquiryNameMax = 100;
inline constexpr std::size_t kEnquiryQuestionMin = 10;
inline constexpr std::size_t kEnquiryQuestionMax = 4000;
inline constexpr std::size_t kEnquiryReplyMax = 8000;
inline constexpr std::size_t kEnquiryNoteMax = 1000;
inline constexpr std::size_t kFaqTextMax = 4000;

// The form as typed (shown back unchanged when it has errors).
struct EnquiryForm {
  std::string name;
  std::string email;
  std::string subject;
  std::string language;  // "en" or "tc": the language of the reply
  std::string library;   // optional library code: which library's queue; empty for the central team
  std::string question;
};

struct EnquiryDetails {
  std::string name;   // empty for a signed-in reader (the account has it)
  std::string email;  // normal form; empty for a signed-in reader
  EnquirySubject subject = EnquirySubject::kOther;
  Language language = Language::kEnglish;
  std::string library;
  std::string question;  // cleaned (control characters removed, line ends normalised), trimmed
};

// A signed-in reader gives no name or email (the account has them); anyone else must give both.
// Whether `library` names a library is checked by the caller.
Outcome<EnquiryDetails> validate_enquiry(const EnquiryForm& form, bool signed_in_reader);

// A reply, a transfer note.
Outcome<std::string> validate_reply(std::string_view text);
Outcome<std::string> validate_transfer_note(std::string_view text);

// A frequently asked question, in English and/or Chinese: each language given needs both the question and
// the answer; at least one language is needed.
struct FaqInput {
  std::string question_en;
  std::string answer_en;
  std::string question_tc;
  std::string answer_tc;
};
Outcome<FaqInput> validate_faq(const FaqInput& input);

}  // namespace shelfmark::domain
