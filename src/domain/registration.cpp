#include "domain/registration.h"

#include <cctype>

#include "core/text.h"
#include "domain/code_table.h"
#include "domain/staff.h"

namespace shelfmark::domain {
namespace {

constexpr CodeRow<RegistrationType> kTypes[] = {
    {RegistrationType::kEAccount, "e_account", "E-Account (Type A)"},
    {RegistrationType::kLibraryCard, "library_card", "Library card or smart ID card (Type B)"},
};

constexpr CodeRow<ApplicationStatus> kStatuses[] = {
    {ApplicationStatus::kDraft, "draft", "Not yet submitted"},
    {ApplicationStatus::kSubmitted, "submitted", "Submitted, waiting for verification"},
    {ApplicationStatus::kVerified, "verified", "Documents verified, to be completed at the library"},
    {ApplicationStatus::kCompleted, "completed", "Completed"},
    {ApplicationStatus::kRejected, "rejected", "Rejected"},
    {ApplicationStatus::kExpired, "expired", "Expired"},
};

constexpr CodeRow<RejectionReason> kReasons[] = {
    {RejectionReason::kDocumentsUnreadable, "documents_unreadable",
     "The documents you uploaded could not be read clearly."},
    {RejectionReason::kDetailsDoNotMatch, "details_do_not_match",
     "The information in the application does not match the documents you uploaded."},
    {RejectionReason::kAlreadyRegistered, "already_registered", "You already hold a library card or an E-Account."},
    {RejectionReason::kNotEligible, "not_eligible",
     "Online registration is for Hong Kong residents who have never held a library card or E-Account."},
    {RejectionReason::kGuardianIncomplete, "guardian_incomplete",
     "The parent or guardian section of the application is incomplete."},
    {RejectionReason::kDuplicate, "duplicate", "We received more than one application from you."},
};

constexpr CodeRow<DocumentKind> kDocumentKinds[] = {
    {DocumentKind::kIdentity, "identity", "Proof of identity"},
    {DocumentKind::kAddress, "address", "Proof of residential address"},
};

// Decodes one UTF-8 code point at `i` (advancing it); 0xFFFD for bytes that are not valid UTF-8.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i++]);
  if (byte < 0x80) return byte;
  int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t value = byte & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
    value = (value << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
  }
  return value;
}

// Full-width forms (as typed with a Chinese input method) to ASCII; other code points unchanged.
char32_t half_width(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
  if (c == 0x3000) return U' ';
  return c;
}

int hkid_value(char c) { return c == ' ' ? 36 : (c >= 'A' && c <= 'Z') ? c - 'A' + 10 : c - '0'; }

bool all_digits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return !text.empty();
}

}  // namespace

// ----- HKID -----

char hkid_check_character(std::string_view prefix_and_digits) {
  const auto size = prefix_and_digits.size();
  if (size != 7 && size != 8) return 0;
  const auto letters = size - 6;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = prefix_and_digits[i];
    if (i < letters ? !(c >= 'A' && c <= 'Z') : !(c >= '0' && c <= '9')) return 0;
  }
  // A one-letter prefix is padded on the left with a space worth 36, so both shapes weigh 8 positions.
  const std::string padded = (letters == 1 ? " " : "") + std::string(prefix_and_digits);
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += hkid_value(padded[i]) * static_cast<int>(9 - i);
  const int check = (11 - sum % 11) % 11;
  return check == 10 ? 'A' : static_cast<char>('0' + check);
}

Outcome<Hkid> parse_hkid(std::string_view text) {
  std::string ascii;
  for (std::size_t i = 0; i < text.size() && ascii.size() < 32;) {
    const char32_t c = half_width(next_code_point(text, i));
    if (c == U' ' || c == U'\t' || c == U'(' || c == U')' || c == U'-') continue;
    if (c >= 0x80) return failure(ErrorCode::kHkidInvalid);
    ascii += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const auto size = ascii.size();
  if (size != 8 && size != 9) return failure(ErrorCode::kHkidInvalid);
  const auto body = std::string_view(ascii).substr(0, size - 1);
  const char given = ascii.back();
  const char expected = hkid_check_character(body);
  if (expected == 0 || !((given >= '0' && given <= '9') || given == 'A')) return failure(ErrorCode::kHkidInvalid);
  if (given != expected) return failure(ErrorCode::kHkidCheckDigit);
  return Hkid{ascii};
}

std::string Hkid::display() const {
  if (normal.size() < 2) return normal;
  return normal.substr(0, normal.size() - 1) + "(" + normal.back() + ")";
}

std::string Hkid::masked() const {
  const auto letters = normal.size() == 9 ? 2u : 1u;
  if (normal.size() < 8) return "***";
  return normal.substr(0, letters + 3) + "***(*)";
}

// ----- codes and labels -----

std::string_view registration_type_code(RegistrationType type) { return code_of(kTypes, type); }
std::string_view registration_type_label(RegistrationType type) { return label_of(kTypes, type); }
std::optional<RegistrationType> parse_registration_type(std::string_view code) { return parse_code(kTypes, code); }

std::string_view application_status_code(ApplicationStatus status) { return code_of(kStatuses, status); }
std::string_view application_status_label(ApplicationStatus status) { return label_of(kStatuses, status); }
std::optional<ApplicationStatus> parse_application_status(std::string_view code) { return parse_code(kStatuses, code); }
bool application_in_progress(ApplicationStatus status) {
  return status == ApplicationStatus::kSubmitted || status == ApplicationStatus::kVerified;
}

bool completable_in_person(RegistrationType type, ApplicationStatus status) {
  return type == RegistrationType::kLibraryCard && application_in_progress(status);
}

std::string_view rejection_reason_code(RejectionReason reason) { return code_of(kReasons, reason); }
std::string_view rejection_reason_label(RejectionReason reason) { return label_of(kReasons, reason); }
std::optional<RejectionReason> parse_rejection_reason(std::string_view code) { return parse_code(kReasons, code); }
const std::vector<RejectionReason>& all_rejection_reasons() {
  static const std::vector<RejectionReason> kAll = [] {
    std::vector<RejectionReason> all;
    for (const auto& row : kReasons) all.push_back(row.value);
    return all;
  }();
  return kAll;
}

std::string_view document_kind_code(DocumentKind kind) { return code_of(kDocumentKinds, kind); }
std::string_view document_kind_label(DocumentKind kind) { return label_of(kDocumentKinds, kind); }
std::optional<DocumentKind> parse_document_kind(std::string_view code) { return parse_code(kDocumentKinds, code); }

std::vector<DocumentKind> required_documents(RegistrationType type) {
  if (type == RegistrationType::kLibraryCard) return {DocumentKind::kIdentity, DocumentKind::kAddress};
  return {DocumentKind::kIdentity};
}

// ----- the form -----

std::optional<std::string> normalise_email(std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.empty() || trimmed.size() > 254) return std::nullopt;
  const auto at = trimmed.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || trimmed.find('@') != at) return std::nullopt;
  const auto local = trimmed.substr(0, at);
  const auto domain = trimmed.substr(at + 1);
  for (char c : local)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F ||
        std::string_view("<>()[]\\,;:\"").find(c) != std::string_view::npos)
      return std::nullopt;
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return std::nullopt;
  for (char c : domain)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return std::nullopt;
  return std::string(local) + "@" + to_lower_ascii(domain);
}

std::optional<std::string> normalise_hk_mobile(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = half_width(next_code_point(text, i));
    if (c == U' ' || c == U'-') continue;
    if (c == U'+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (c < U'0' || c > U'9' || digits.size() > 16) return std::nullopt;
    digits += static_cast<char>(c);
  }
  if (digits.size() == 11 && digits.rfind("852", 0) == 0)
    digits = digits.substr(3);
  else if (plus)
    return std::nullopt;                                           // a country code other than Hong Kong's
  if (digits.size() != 8 || digits[0] < '4') return std::nullopt;  // mobile numbers start with 4 to 9
  return digits;
}

bool completes_registrations(LibraryKind kind) {
  return kind != LibraryKind::kMobile && kind != LibraryKind::kSelfService;
}

bool active_on_submission(RegistrationType type, bool smart_id_card) {
  return type == RegistrationType::kEAccount && smart_id_card;
}

ReaderCategory reader_category_for_age(int age) {
  if (age < 12) return ReaderCategory::kChild;
  if (age < kAdultAge) return ReaderCategory::kYoungAdult;
  return ReaderCategory::kAdult;
}

const std::vector<std::pair<std::string_view, ApplicantFormField>>& applicant_form_fields() {
  static const std::vector<std::pair<std::string_view, ApplicantFormField>> kFields = {
      {"name_en", &ApplicantForm::name_en},
      {"name_zh", &ApplicantForm::name_zh},
      {"hkid", &ApplicantForm::hkid},
      {"date_of_birth", &ApplicantForm::date_of_birth},
      {"sex", &ApplicantForm::sex},
      {"email", &ApplicantForm::email},
      {"mobile", &ApplicantForm::mobile},
      {"address", &ApplicantForm::address},
      {"library_code", &ApplicantForm::library_code},
      {"language", &ApplicantForm::language},
      {"smart_id_card", &ApplicantForm::smart_id_card},
      {"guardian_name", &ApplicantForm::guardian_name},
      {"guardian_relationship", &ApplicantForm::guardian_relationship},
      {"guardian_phone", &ApplicantForm::guardian_phone},
      {"guardian_accepts", &ApplicantForm::guardian_accepts},
  };
  return kFields;
}

Money replacement_card_fee(ReaderCategory category) {
  const bool under_18 = category == ReaderCategory::kChild || category == ReaderCategory::kYoungAdult;
  return Money{under_18 ? 1700 : 3300};
}

bool valid_card_number(std::string_view text) { return text.size() >= 8 && text.size() <= 14 && all_digits(text); }

int age_on(Date date_of_birth, Date day) {
  const std::chrono::year_month_day born{date_of_birth};
  const std::chrono::year_month_day today{day};
  int age = static_cast<int>(today.year()) - static_cast<int>(born.year());
  if (std::chrono::month_day{today.month(), today.day()} < std::chrono::month_day{born.month(), born.day()}) --age;
  return age;
}

std::optional<FieldError> check_reader_password(std::string_view password, std::string_view identifier) {
  return check_password(password, identifier, kReaderPasswordMin);
}

Outcome<ApplicantDetails> validate_applicant(const ApplicantForm& form, RegistrationType type, Date today) {
  std::vector<FieldError> errors;
  ApplicantDetails details;

  check_text(errors, "name_en", form.name_en, 100, true);
  details.name_en = clean_single_line_text(form.name_en);
  check_text(errors, "name_zh", form.name_zh, 20, false);
  details.name_zh = clean_single_line_text(form.name_zh);

  if (trim(form.hkid).empty()) {
    errors.push_back({"hkid", ErrorCode::kRequired, {}});
  } else if (auto hkid = parse_hkid(form.hkid)) {
    details.hkid = hkid.value();
  } else {
    errors.push_back({"hkid", hkid.error().code, {}});
  }

  const auto born = parse_iso_date(trim(form.date_of_birth));
  if (trim(form.date_of_birth).empty()) {
    errors.push_back({"date_of_birth", ErrorCode::kRequired, {}});
  } else if (!born || *born > today || age_on(*born, today) > 130) {
    errors.push_back({"date_of_birth", ErrorCode::kDateOfBirthInvalid, {}});
  } else {
    details.date_of_birth = *born;
    details.minor = age_on(*born, today) < kAdultAge;
  }

  if (form.sex != "" && form.sex != "F" && form.sex != "M") errors.push_back({"sex", ErrorCode::kInvalidChoice, {}});
  details.sex = form.sex;

  const bool has_email = !trim(form.email).empty();
  const bool has_mobile = !trim(form.mobile).empty();
  if (has_email) {
    if (auto email = normalise_email(form.email))
      details.email = *email;
    else
      errors.push_back({"email", ErrorCode::kEmailInvalid, {}});
  }
  if (has_mobile) {
    if (auto mobile = normalise_hk_mobile(form.mobile))
      details.mobile = *mobile;
    else
      errors.push_back({"mobile", ErrorCode::kMobileInvalid, {}});
  }
  if (!has_email && !has_mobile) errors.push_back({"email", ErrorCode::kContactRequired, {}});

  if (type == RegistrationType::kLibraryCard) {
    check_text(errors, "address", form.address, 300, true);
    details.address = clean_multiline_text(trim(form.address));
    if (trim(form.library_code).empty()) errors.push_back({"library_code", ErrorCode::kRequired, {}});
    details.library_code = std::string(trim(form.library_code));
  }

  if (auto language = parse_language_code(form.language))
    details.language = *language;
  else
    errors.push_back({"language", ErrorCode::kInvalidChoice, {}});

  if (form.smart_id_card != "yes" && form.smart_id_card != "no")
    errors.push_back({"smart_id_card", ErrorCode::kInvalidChoice, {}});
  details.smart_id_card = form.smart_id_card == "yes";

  if (details.minor) {
    check_text(errors, "guardian_name", form.guardian_name, 100, true);
    details.guardian_name = clean_single_line_text(form.guardian_name);
    if (form.guardian_relationship != "parent" && form.guardian_relationship != "guardian")
      errors.push_back({"guardian_relationship", ErrorCode::kInvalidChoice, {}});
    details.guardian_relationship = form.guardian_relationship;
    if (trim(form.guardian_phone).empty()) {
      errors.push_back({"guardian_phone", ErrorCode::kRequired, {}});
    } else if (auto phone = normalise_hk_mobile(form.guardian_phone)) {
      details.guardian_phone = *phone;
    } else {
      errors.push_back({"guardian_phone", ErrorCode::kMobileInvalid, {}});
    }
    if (form.guardian_accepts != "yes") errors.push_back({"guardian_accepts", ErrorCode::kMustAccept, {}});
  }

  if (!errors.empty()) return invalid(std::move(errors));
  return details;
}

}  // namespace shelfmark::domain
