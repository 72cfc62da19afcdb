// Online registration (issue 4): the applicant's way through (a draft opened by a token in a cookie, terms,
// details, documents, submission), the verifying staff's queue and decisions, completion at the counter,
// temporary cards, and the expiry of abandoned applications. Documents are cleaned (image re-encoded),
// sealed with their own key, and destroyed at every decision, leaving a record of the deletion.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/media_ports.h"
#include "app/notices.h"
#include "app/ports.h"
#include "app/registration_ports.h"
#include "domain/registration.h"

namespace shelfmark::app {

struct RegistrationSettings {
  // A draft not saved for this long no longer opens from the browser (the applicant starts again); applicants
  // are advised against public computers, and this keeps the next person from finding the application.
  std::chrono::seconds draft_idle_timeout{std::chrono::minutes(30)};
  // A draft nobody touched for this long is expired with its documents.
  std::chrono::seconds draft_lifetime{std::chrono::hours(48)};
  // A Type B application not completed in person within this is expired with its documents.
  std::chrono::seconds completion_window{std::chrono::days(30)};
  // Applications started from one network address within an hour; more are refused (rate limit).
  int starts_per_address_per_hour = 10;
  // Files checked (decoded in full and encoded again) for one draft; more are refused. Each check of an image
  // at the sanitiser's pixel limit costs the server about half a second: without this, one draft could keep
  // it busy indefinitely. Two documents and their retakes fit well within it.
  int image_checks_per_draft = 12;
  // Different HKID numbers one draft may be saved with; more are refused (too_many_hkids). One person's draft
  // needs one, and a typing mistake or two (Hardening 4).
  int hkids_per_draft = 3;
  // Submissions from one network address within an hour, each the one place where an HKID is looked up; more are
  // refused (too_many_applications), whatever the HKID (Hardening 4).
  int submissions_per_address_per_hour = 10;
  // The holder of an HKID number someone applied with again is told at most once in this.
  std::chrono::seconds duplicate_notice_interval{std::chrono::hours(24)};
};

// What registration needs besides the Context.
struct RegistrationServices {
  Sealer& sealer;
  ImageSanitizer& images;
  RegistrationSettings settings;
};

// ----- the applicant -----

struct DraftStarted {
  std::string token;  // for the applicant's cookie; only its digest is stored
  std::string reference;
};
// Refused with kTooManyApplications beyond the rate limit for `address`.
domain::Outcome<DraftStarted> start_application(const Context& context, RegistrationServices& services,
                                                domain::RegistrationType type, const std::string& address);

struct DraftView {
  long long id = 0;
  std::string reference;
  domain::RegistrationType type = domain::RegistrationType::kEAccount;
  bool terms_accepted = false;
  domain::ApplicantForm form;
  bool details_valid = false;
  bool password_set = false;
  std::vector<DocumentRecord> documents;
  bool documents_complete = false;
};
// The draft for a cookie token; nullopt when none (never started, submitted, or expired).
std::optional<DraftView> find_draft(const Context& context, RegistrationServices& services, const std::string& token);

domain::Outcome<domain::Done> accept_terms(const Context& context, RegistrationServices& services,
                                           const std::string& token, bool statement, bool declarations,
                                           bool regulation);

// Saves the form as typed, even with errors (nothing typed is lost), and reports the errors. The password is
// hashed at once; left empty it keeps a password set before.
domain::Outcome<domain::Done> save_details(const Context& context, RegistrationServices& services,
                                           const std::string& token, const domain::ApplicantForm& form,
                                           const std::string& password, const std::string& repeated);

// The uploaded bytes are checked and cleaned here (whatever the browser checked); `too_large` is set by the
// HTTP layer, which stops reading a file part beyond the limit.
domain::Outcome<domain::Done> upload_document(const Context& context, RegistrationServices& services,
                                              const std::string& token, domain::DocumentKind kind,
                                              std::string_view bytes, bool too_large);

// What the browser is told after a submission. It depends only on what the applicant typed (the type, the smart
// ID card answer, the library), never on whether the HKID number is already known: it holds no account number.
struct Submitted {
  std::string reference;
  domain::RegistrationType type = domain::RegistrationType::kEAccount;
  bool can_log_in_now = false;              // Type A with a smart ID card
  std::optional<std::string> library_code;  // Type B: where to complete it
};
// One person, one application, decided here (not at the details step, which tells nothing about an HKID) and
// also under concurrent submission. A duplicate (an HKID number that has an account, or an application in
// progress) gets the same answer as any submission, no account or application is made (the draft is kept as
// rejected, its documents destroyed), and the holder is told through their own email or mobile on file
// ("registration_duplicate", at most once per duplicate_notice_interval), not the address typed. Refused with
// kTooManyApplications beyond submissions_per_address_per_hour.
domain::Outcome<Submitted> submit_application(const Context& context, RegistrationServices& services,
                                              const std::string& token, const std::string& address);

// ----- staff -----

struct ApplicationSummary {
  ApplicationRecord record;
  std::string library_code;
  int documents = 0;
};
struct ApplicationQueue {
  std::vector<ApplicationSummary> entries;
  long long total = 0;
};
domain::Outcome<ApplicationQueue> registration_queue(const Context& context, const Actor& actor,
                                                     const ApplicationFilter& filter);

struct ApplicationDetail {
  ApplicationSummary summary;
  domain::ApplicantForm form;  // as submitted
  std::string hkid_display;    // in full for verifying staff (they compare it with the document), else masked
  std::vector<DocumentRecord> documents;
  std::vector<DocumentDeletion> deletions;
};
// Verifying staff only (counter staff: permission_denied; they have completion_view); each view is audited.
domain::Outcome<ApplicationDetail> application_detail(const Context& context, RegistrationServices& services,
                                                      const Actor& actor, long long application_id);

struct DocumentContent {
  DocumentRecord record;
  std::string bytes;
};
// Verifying staff only; each view of a document is audited.
domain::Outcome<DocumentContent> application_document(const Context& context, RegistrationServices& services,
                                                      const Actor& actor, long long application_id,
                                                      long long document_id);

// Documents are destroyed at the decision; the applicant is told by email (or SMS) in their language.
// Approving a Type A application completes it; approving Type B marks it verified, to be completed in person.
domain::Outcome<domain::Done> approve_application(const Context& context, RegistrationServices& services,
                                                  const Actor& actor, long long application_id);
domain::Outcome<domain::Done> reject_application(const Context& context, RegistrationServices& services,
                                                 const Actor& actor, long long application_id,
                                                 const std::string& reason_code);

// What counter staff see of an application: only what completing a Type B application in person needs
// (Hardening 7). The name to compare with the identity card, the masked HKID (the number itself is checked by
// the app against the card in hand), the residential address to compare with the original proof of address,
// the library chosen, the reference and status, and the category the account will get. No date of birth,
// email, mobile, guardian or documents: those are for the verifiers.
struct CompletionView {
  long long id = 0;
  std::string reference;
  domain::ApplicationStatus status = domain::ApplicationStatus::kSubmitted;
  std::string name_en;
  std::string name_zh;
  std::string hkid_masked;
  std::string address;
  std::string library_code;
  domain::ReaderCategory category = domain::ReaderCategory::kAdult;
  std::optional<Instant> submitted_at;
};
// Counter: find a Type B application awaiting completion in person (submitted or verified) by reference, HKID or
// name. E-Accounts and decided applications are never found here.
domain::Outcome<std::vector<CompletionView>> find_for_completion(const Context& context, const Actor& actor,
                                                                 const std::string& query);
// kCompleteRegistrations; not_found for a draft, an E-Account, or an application no longer awaiting completion.
// Each view is audited.
domain::Outcome<CompletionView> completion_view(const Context& context, RegistrationServices& services,
                                                const Actor& actor, long long application_id);
struct CompletionInput {
  bool link_smart_id = false;
  std::string smart_id_number;      // must be the applicant's HKID
  std::string smart_id_issue_date;  // YYYY-MM-DD
  bool issue_card = false;
  std::string card_number;  // the new library card's barcode
};
struct Completed {
  std::string card_number;
  std::string reader_name;
};
domain::Outcome<Completed> complete_in_person(const Context& context, RegistrationServices& services,
                                              const Actor& actor, long long application_id,
                                              const CompletionInput& input);

// The job: expires abandoned drafts and Type B applications never completed, destroying their documents.
struct ExpiryResult {
  int drafts = 0;
  int applications = 0;
  int documents = 0;
};
ExpiryResult expire_applications(const Context& context, RegistrationServices& services);

// A smart identity card shown at the counter (completion, or replacing a lost card): its number must be a valid
// HKID and its issue date a date not in the future. Adds field errors to `errors`; the HKID when the number is
// valid.
std::optional<domain::Hkid> check_smart_id_card(std::vector<domain::FieldError>& errors, const std::string& number,
                                                const std::string& issue_date, Date today, std::optional<Date>& issued);

// Digest that keys an HKID in the database (HMAC with the server secret).
std::string hkid_digest(const Context& context, const domain::Hkid& hkid);

}  // namespace shelfmark::app
