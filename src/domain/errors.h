// The one catalogue of refusal and validation codes. Every decision a rule makes is a value: success, or a
// Failure carrying codes from this catalogue. Each code has a stable name (for the JSON API and logs) and an
// English message that is also the gettext msgid, so every channel shows the same translated text.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace shelfmark::domain {

enum class ErrorCode {
  kRequired,
  kTooLong,
  kInvalidText,
  kInvalidChoice,
  kInvalidDate,
  kInvalidTime,
  kInvalidPhone,
  kTimeRangeInvalid,
  kTimeRangesOverlap,
  kDateRangeInvalid,
  kExpiryNotAfterPublication,
  kNotFound,
  kPermissionDenied,
  kEditConflict,
  kInvalidCredentials,
  kTooManyAttempts,
  kSignInDelayed,
  kAccountDisabled,
  kUsernameInvalid,
  kUsernameTaken,
  kPasswordTooShort,
  kPasswordTooLong,
  kPasswordTooCommon,
  kPasswordContainsUsername,
  kRoleUnknown,
  kDateTaken,
  // Circulation refusals (see circulation.h); staff may override those marked so in the catalogue.
  kReaderNotActive,
  kCardReportedLost,
  kReaderExpired,
  kEResourcesOnly,
  kItemNotLoanable,
  kItemNotAvailable,
  kItemHeldForAnother,
  kLoanQuotaReached,
  kPeriodicalQuotaReached,
  kReaderHasOverdue,
  kFinesCeilingReached,
  kRenewalLimitReached,
  kReservedByAnother,
  kReservationQuotaReached,
  kNotReservable,
  kAlreadyOnLoanToReader,
  kAlreadyReserved,
  kReservationNotChangeable,
  kAmountInvalid,
  kEBookOnlineOnly,
  kBorrowAtLibrary,
  kNotOnLoanToReader,
  kCopyAvailableNow,
  kPinsDiffer,
  kPinInvalid,
  // Lending rules (administrators).
  kNumberOutOfRange,
  kRuleExists,
  kCatchAllRuleRequired,
  // Cataloguing.
  kBarcodeTaken,
  // Registration.
  kHkidInvalid,
  kHkidCheckDigit,
  kEmailInvalid,
  kMobileInvalid,
  kContactRequired,
  kDateOfBirthInvalid,
  kPasswordsDiffer,
  kMustAccept,
  kTooManyHkids,
  kFileTooLarge,
  kFileNotImage,
  kFileCorrupt,
  kFileHasTrailingData,
  kFileTooManyPixels,
  kTooManyUploads,
  kTooManyApplications,
  kApplicationNotOpen,
  kCardNumberTaken,
  kCardNumberInvalid,
  kHkidDoesNotMatch,
  kStepMissing,
  // Activities.
  kInvalidDateTime,
  kUrlInvalid,
  kEndNotAfterStart,
  kTitleInOneLanguage,
  kRecordingNoEnrolment,
  kEnrolmentClosesAfterStart,
  kQuotaBelowEnrolled,
  kActivityNotOpen,
  kEnrolmentNotYetOpen,
  kEnrolmentClosed,
  kAlreadyEnrolled,
  kActivityFull,
  kActivityStarted,
  kNotEnrolled,
  kAttendanceTooEarly,
  kCardNotReportedLost,
  kPublishedNotDraft,
  // Ask a Librarian.
  kTooShort,
  kTooManyEnquiries,
  kTooManyEnquiriesForEmail,
  kEnquiryClaimedByAnother,
  kEnquiryNotClaimed,
  kEnquiryAlreadyAnswered,
  kEnquiryClosed,
  kSameLibrary,
  kFaqLanguageRequired,
  // Students' study room admission cards.
  kStudyWindowInvalid,
  kStudyCardsValidBeforeClose,
  kStudySessionRequired,
  kStudySessionsOverlap,
  kStudyApplicationsClosed,
  kStudyAlreadyApplied,
  kStudyCannotWithdraw,
  kStudyDeadlineNotPassed,
  kStudyAlreadyPublished,
  kStudyNotAllocated,
  // Staff accounts.
  kLastAdministrator,
  kPasswordUnchanged,
  // Two-factor sign-in for staff.
  kTwoFactorCodeWrong,
  kTwoFactorRequired,
  kTwoFactorExpired,
  // Merging two records of one reader.
  kMergeSameReader,
  kMergeAlreadyMerged,
  kMergeSameItemOnLoan,
  kMergeSameTitleReserved,
  kMergeSameActivity,
  kMergeSameStudyPeriod,
  kMergeOpenApplication,
  // The audit trail.
  kAuditStaffUnknown,
  kAuditCardUnknown,
  kAuditSubjectInvalid,
  // Looking after a reader (staff): blocks in the standing, edits of a verified reader, reset links.
  kBlockedUnpaidReplacement,
  kBlockedMisconduct,
  kBlockedDamagedItems,
  kBlockedOther,
  kReasonRequired,
  kChannelNeedsContact,
  kNoEmailForReset,
  kBlockEndInPast,
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;     // stable, snake_case
  std::string_view message;  // English text and gettext msgid; may contain {param} placeholders
  bool staff_may_override = false;
};

const ErrorInfo& error_info(ErrorCode code);
const std::vector<ErrorInfo>& all_errors();

// A problem with one input field ("title_en", "hours.mon") or, with an empty field, the request as a whole.
struct FieldError {
  std::string field;
  ErrorCode code;
  std::map<std::string, std::string> params;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct [[nodiscard]] Failure {
  ErrorCode code;                  // the main reason
  std::vector<FieldError> fields;  // per-field details, for forms
};

inline Failure failure(ErrorCode code) { return Failure{code, {}}; }
inline Failure invalid(std::vector<FieldError> fields) {
  const auto code = fields.empty() ? ErrorCode::kRequired : fields.front().code;
  return Failure{code, std::move(fields)};
}

// Either a value or a Failure.
template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}
  Outcome(Failure failure) : state_(std::move(failure)) {}
  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& error() const { return std::get<Failure>(state_); }

 private:
  std::variant<T, Failure> state_;
};

struct Done {};

}  // namespace shelfmark::domain
