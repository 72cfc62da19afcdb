// Online registration: the HKID number, the applicant's form and its rules, and the states an application
// goes through. Pure rules; storing, encrypting and emailing are app/ and adapters.
//
//   draft -> submitted -> (verified) -> completed          documents destroyed at each decision
//                      \-> rejected                         and at expiry
//   draft (abandoned) / submitted (never completed) -> expired
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"
#include "domain/library.h"
#include "domain/policy.h"

namespace shelfmark::domain {

// ----- HKID numbers -----
// One or two letters, six digits, a check character (0-9 or A). The normal form has no brackets or spaces:
// "A1234563", "AB9876543".
struct Hkid {
  std::string normal;
  std::string display() const;  // "A123456(3)": for the person themself and verifying staff only
  std::string masked() const;   // "A123***(*)": what other staff pages show beside a name
};
// The check character for a prefix and six digits ("A123456" -> '3', "G123456" -> 'A'); 0 if not that shape.
char hkid_check_character(std::string_view prefix_and_digits);
// Accepts common spellings: lower case, spaces, brackets (ASCII or full-width), full-width letters and
// digits, with or without the brackets. Fails with kHkidInvalid (shape) or kHkidCheckDigit.
Outcome<Hkid> parse_hkid(std::string_view text);

// ----- Applications -----
enum class RegistrationType { kEAccount, kLibraryCard };         // the seed's Type A and Type B
std::string_view registration_type_code(RegistrationType type);  // "e_account", "library_card"
std::string_view registration_type_label(RegistrationType type);
std::optional<RegistrationType> parse_registration_type(std::string_view code);

enum class ApplicationStatus { kDraft, kSubmitted, kVerified, kCompleted, kRejected, kExpired };
std::string_view application_status_code(ApplicationStatus status);
std::string_view application_status_label(ApplicationStatus status);
std::optional<ApplicationStatus> parse_application_status(std::string_view code);
// Still waiting for someone to act: the HKID number is reserved for it, and its documents are kept.
bool application_in_progress(ApplicationStatus status);
// A Type B application still in progress can be completed at a counter.
bool completable_in_person(RegistrationType type, ApplicationStatus status);

enum class RejectionReason {
  kDocumentsUnreadable,
  kDetailsDoNotMatch,
  kAlreadyRegistered,
  kNotEligible,
  kGuardianIncomplete,
  kDuplicate,
};
std::string_view rejection_reason_code(RejectionReason reason);
std::string_view rejection_reason_label(RejectionReason reason);  // said to the applicant, in full sentences
std::optional<RejectionReason> parse_rejection_reason(std::string_view code);
const std::vector<RejectionReason>& all_rejection_reasons();

enum class DocumentKind { kIdentity, kAddress };
std::string_view document_kind_code(DocumentKind kind);
std::string_view document_kind_label(DocumentKind kind);
std::optional<DocumentKind> parse_document_kind(std::string_view code);
// Identity for both types; proof of residential address for Type B only.
std::vector<DocumentKind> required_documents(RegistrationType type);
inline constexpr std::size_t kMaxDocumentBytes = 3 * 1024 * 1024;

// The version of the Personal Information Collection Statement, declarations and Regulation text shown; an
// application records which one the applicant accepted, and when.
inline constexpr std::string_view kTermsVersion = "2026-11";

// Readers' passwords go with a card number or HKID and are throttled per account and per address, so the
// minimum is 8 (NIST SP 800-63B for passwords that are not the only thing guarded); see ADR 0012.
inline constexpr std::size_t kReaderPasswordMin = 8;
inline constexpr int kAdultAge = 18;

// Everything the applicant types, as typed: a step re-shown with errors shows this back unchanged.
struct ApplicantForm {
  std::string name_en;
  std::string name_zh;
  std::string hkid;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string sex;            // "", "F", "M": optional
  std::string email;
  std::string mobile;
  std::string address;        // Type B
  std::string library_code;   // Type B: where the application is completed in person
  std::string language;       // "en", "tc"
  std::string smart_id_card;  // "yes" or "no": holds a smart HKID card (Type A with one is active at once)
  std::string guardian_name;
  std::string guardian_relationship;  // "parent" or "guardian"
  std::string guardian_phone;
  std::string guardian_accepts;  // "yes" when the guarantee is accepted
};

// The form once valid, in normal forms.
struct ApplicantDetails {
  std::string name_en;
  std::string name_zh;
  Hkid hkid;
  Date date_of_birth;
  std::string sex;
  std::string email;   // lower-cased domain
  std::string mobile;  // 8 digits
  std::string address;
  std::string library_code;
  Language language = Language::kEnglish;
  bool smart_id_card = true;
  bool minor = false;
  std::string guardian_name;
  std::string guardian_relationship;
  std::string guardian_phone;
};

int age_on(Date date_of_birth, Date day);
// Checks every field (each error names its field) and returns the normal forms. `today` decides the age.
// Whether library_code names a library where applications can be completed is checked by the caller.
Outcome<ApplicantDetails> validate_applicant(const ApplicantForm& form, RegistrationType type, Date today);

// A reader's password: 8 to 256 characters, not a common one, not containing the HKID or card number.
[[nodiscard]] std::optional<FieldError> check_reader_password(std::string_view password, std::string_view identifier);

std::optional<std::string> normalise_email(std::string_view text);
std::optional<std::string> normalise_hk_mobile(std::string_view text);  // "+852 9123-4567" -> "91234567"

// Where a Type B application can be completed in person: a library with a counter (not a mobile library or a
// self-service station).
bool completes_registrations(LibraryKind kind);
// A Type A applicant with a smart ID card can use the E-Account as soon as the application is submitted;
// everyone else waits for staff.
bool active_on_submission(RegistrationType type, bool smart_id_card);
// The category of a full account, by age on the day it is completed.
ReaderCategory reader_category_for_age(int age);
// Applications waiting this many days or more stand out in the staff queue.
inline constexpr int kApplicationWaitingTooLongDays = 5;

// The form's fields by name, for code that moves the whole form (sealing it, reading it from a request).
using ApplicantFormField = std::string ApplicantForm::*;
const std::vector<std::pair<std::string_view, ApplicantFormField>>& applicant_form_fields();

// Library card numbers issued at the counter (pre-printed cards): 8 to 14 digits.
bool valid_card_number(std::string_view text);

// A new library card for one reported lost: HK$33, or HK$17 for a reader under 18 (a child or young adult).
// A smart identity card is the Immigration Department's: registering its replacement for library use is free.
Money replacement_card_fee(ReaderCategory category);

}  // namespace shelfmark::domain
