#include "app/registration.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "app/activities.h"
#include "app/messages.h"
#include "app/reader_care_ports.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ApplicationStatus;
using domain::Done;
using domain::ErrorCode;
using domain::failure;
using domain::FieldError;
using domain::invalid;
using domain::Outcome;
using domain::RegistrationType;

struct OpenedForm {
  domain::ApplicantForm form;
  std::string password_hash;
};

Sealed seal_form(Sealer& sealer, const domain::ApplicantForm& form, const std::string& password_hash) {
  std::map<std::string, std::string> fields;
  for (const auto& [name, member] : domain::applicant_form_fields()) fields[std::string(name)] = form.*member;
  fields["password_hash"] = password_hash;
  return sealer.seal(encode_fields(fields));
}

OpenedForm open_form(Sealer& sealer, const ApplicationRecord& application) {
  OpenedForm opened;
  if (!application.form) return opened;
  const auto plain = sealer.open(*application.form);
  // A form that cannot be opened was sealed under another server secret: a configuration fault, not input.
  if (!plain) throw std::runtime_error("application " + application.reference + ": sealed form cannot be opened");
  auto fields = decode_fields(*plain);
  for (const auto& [name, member] : domain::applicant_form_fields()) opened.form.*member = fields[std::string(name)];
  opened.password_hash = fields["password_hash"];
  return opened;
}

// References are read out over the phone and typed at the counter: no 0/O, 1/I/L.
std::string new_reference(TokenSource& tokens) {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  const auto random = tokens.random_token();
  std::string reference = "R";
  for (std::size_t i = 0; i < 8 && i < random.size(); ++i) {
    if (i == 4) reference += '-';
    reference += kAlphabet[static_cast<unsigned char>(random[i]) % kAlphabet.size()];
  }
  return reference;
}

// E-Account numbers: "E" and ten digits, from the random token (so they cannot be enumerated).
std::string new_account_number(TokenSource& tokens) {
  const auto random = tokens.random_token();
  std::string number = "E";
  for (std::size_t i = 0; number.size() < 11; ++i)
    number += static_cast<char>('0' + static_cast<unsigned char>(random[i % random.size()] + i * 7) % 10);
  return number;
}

std::optional<domain::Library> completion_library(Repositories& repos, const std::string& code) {
  auto library = repos.libraries.by_code(code);
  if (!library || !domain::completes_registrations(library->kind)) return std::nullopt;
  return library;
}

std::string library_code_of(Repositories& repos, std::optional<long long> id) {
  if (!id) return {};
  for (const auto& library : repos.libraries.all())
    if (library.id == *id) return library.code;
  return {};
}

std::string library_name(Repositories& repos, const std::string& code, domain::Language language) {
  if (code.empty()) return {};
  auto library = repos.libraries.by_code(code);
  return library ? library->name.in(language) : code;
}

// After a decision nothing personal is kept on the application: the reader's record holds what the library
// needs, and the deletion records say what was destroyed.
void scrub(ApplicationRecord& application) {
  application.form.reset();
  application.name_en.clear();
  application.name_zh.clear();
  application.hkid_digest.clear();
}

void tell_applicant(Repositories& repos, const Context& context, const domain::ApplicantForm& form,
                    domain::Language language, const std::string& kind,
                    const std::map<std::string, std::string>& params) {
  Recipient recipient{domain::normalise_email(form.email).value_or(""),
                      domain::normalise_hk_mobile(form.mobile).value_or("")};
  enqueue_message(repos, context.clock.now(), recipient, kind, language, params);
}

// The draft a cookie token opens, if it is still fresh: on a shared computer the next person must not find
// someone's half-finished application (with the HKID) in the browser.
std::optional<ApplicationRecord> open_draft(Repositories& repos, const Context& context,
                                            const RegistrationServices& services, const std::string& token) {
  auto draft = repos.registrations.by_draft(context.tokens.digest(token));
  if (!draft || draft->updated_at < context.clock.now() - services.settings.draft_idle_timeout) return std::nullopt;
  return draft;
}

template <class Work>
Outcome<Done> with_draft(const Context& context, RegistrationServices& services, const std::string& token, Work work) {
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto draft = open_draft(repos, context, services, token);
    if (!draft) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = work(repos, *draft);
  });
  return std::move(*result);
}

}  // namespace

std::optional<domain::Hkid> check_smart_id_card(std::vector<FieldError>& errors, const std::string& number,
                                                const std::string& issue_date, Date today,
                                                std::optional<Date>& issued) {
  std::optional<domain::Hkid> smart_id;
  if (auto hkid = domain::parse_hkid(number))
    smart_id = hkid.value();
  else
    errors.push_back({"smart_id_number", hkid.error().code, {}});
  issued = parse_iso_date(trim(issue_date));
  if (!issued || *issued > today) errors.push_back({"smart_id_issue_date", ErrorCode::kInvalidDate, {}});
  return smart_id;
}

std::string hkid_digest(const Context& context, const domain::Hkid& hkid) {
  return context.tokens.digest("hkid:" + hkid.normal);
}

// ----- the applicant -----

Outcome<DraftStarted> start_application(const Context& context, RegistrationServices& services, RegistrationType type,
                                        const std::string& address) {
  const auto now = context.clock.now();
  const auto key = "registration-start:" + context.tokens.digest(address);
  std::optional<Outcome<DraftStarted>> result;
  for (int attempt = 0; !result; ++attempt) {
    DraftStarted started{context.tokens.random_token(), new_reference(context.tokens)};
    try {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        const auto recent = repos.auth_failures.since(key, now - std::chrono::hours(1));
        if (static_cast<int>(recent.size()) >= services.settings.starts_per_address_per_hour) {
          result = failure(ErrorCode::kTooManyApplications);
          return;
        }
        repos.auth_failures.record(key, now);
        ApplicationRecord application;
        application.reference = started.reference;
        application.type = type;
        application.status = ApplicationStatus::kDraft;
        application.created_at = now;
        application.updated_at = now;
        repos.registrations.insert(application, context.tokens.digest(started.token));
        result = started;
      });
    } catch (const StoreError& error) {
      if (!error.is_unique_violation() || attempt >= 3) throw;  // a reference drawn twice: draw again
      result.reset();
    }
  }
  return std::move(*result);
}

std::optional<DraftView> find_draft(const Context& context, RegistrationServices& services, const std::string& token) {
  if (token.empty()) return std::nullopt;
  std::optional<DraftView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto draft = open_draft(repos, context, services, token);
    if (!draft) return;
    const auto opened = open_form(services.sealer, *draft);
    DraftView v;
    v.id = draft->id;
    v.reference = draft->reference;
    v.type = draft->type;
    v.terms_accepted = draft->terms_accepted_at.has_value();
    v.form = opened.form;
    v.details_valid = draft->details_valid;
    v.password_set = !opened.password_hash.empty();
    v.documents = repos.registrations.documents(draft->id);
    v.documents_complete = true;
    for (auto kind : domain::required_documents(draft->type))
      if (std::none_of(v.documents.begin(), v.documents.end(), [&](const auto& d) { return d.kind == kind; }))
        v.documents_complete = false;
    view = std::move(v);
  });
  return view;
}

Outcome<Done> accept_terms(const Context& context, RegistrationServices& services, const std::string& token,
                           bool statement, bool declarations, bool regulation) {
  std::vector<FieldError> errors;
  if (!statement) errors.push_back({"statement", ErrorCode::kMustAccept, {}});
  if (!declarations) errors.push_back({"declarations", ErrorCode::kMustAccept, {}});
  if (!regulation) errors.push_back({"regulation", ErrorCode::kMustAccept, {}});
  if (!errors.empty()) return invalid(std::move(errors));
  return with_draft(context, services, token, [&](Repositories& repos, ApplicationRecord& draft) -> Outcome<Done> {
    draft.terms_version = std::string(domain::kTermsVersion);
    draft.terms_accepted_at = context.clock.now();
    draft.updated_at = context.clock.now();
    repos.registrations.update(draft);
    return Done{};
  });
}

Outcome<Done> save_details(const Context& context, RegistrationServices& services, const std::string& token,
                           const domain::ApplicantForm& form, const std::string& password,
                           const std::string& repeated) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::optional<DraftView> draft = find_draft(context, services, token);
  if (!draft) return failure(ErrorCode::kNotFound);
  if (!draft->terms_accepted) return failure(ErrorCode::kStepMissing);
  auto details = domain::validate_applicant(form, draft->type, today);

  std::vector<FieldError> errors;
  if (!details) errors = details.error().fields;
  // The password is hashed outside any transaction: it costs tens of milliseconds and tens of megabytes.
  std::string password_hash;
  if (!password.empty()) {
    const auto identifier = details ? details->hkid.normal : std::string();
    if (password != repeated)
      errors.push_back({"password", ErrorCode::kPasswordsDiffer, {}});
    else if (auto problem = domain::check_reader_password(password, identifier))
      errors.push_back(*problem);
    else
      password_hash = context.hasher.hash(password);
  } else if (!draft->password_set) {
    errors.push_back({"password", ErrorCode::kRequired, {}});
  }

  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto record = open_draft(repos, context, services, token);
    if (!record) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    auto all_errors = errors;
    std::optional<long long> library_id;
    if (details && draft->type == RegistrationType::kLibraryCard) {
      if (auto library = completion_library(repos, details->library_code))
        library_id = library->id;
      else
        all_errors.push_back({"library_code", ErrorCode::kInvalidChoice, {}});
    }
    // Nothing here says whether the HKID number has an account or an application: that is decided at
    // submission, with an answer that does not tell (Hardening 4). A draft may only try a few numbers.
    std::string digest = record->hkid_digest;
    if (details) {
      const auto typed = hkid_digest(context, details->hkid);
      if (typed != record->hkid_digest) {
        const auto key = "registration-hkids:" + std::to_string(record->id);
        if (static_cast<int>(repos.auth_failures.since(key, now - services.settings.draft_lifetime).size()) >=
            services.settings.hkids_per_draft) {
          all_errors.push_back({"hkid", ErrorCode::kTooManyHkids, {}});
        } else {
          repos.auth_failures.record(key, now);
          digest = typed;
        }
      }
    }
    auto kept_hash = password_hash.empty() ? open_form(services.sealer, *record).password_hash : password_hash;
    record->form = seal_form(services.sealer, form, kept_hash);
    record->details_valid = all_errors.empty();
    record->updated_at = now;
    if (details) {
      record->name_en = details->name_en;
      record->name_zh = details->name_zh;
      if (digest != record->hkid_digest) record->hkid_masked = details->hkid.masked();
      record->hkid_digest = digest;
      record->language = details->language;
      record->library_id = library_id;
    }
    repos.registrations.update(*record);
    if (all_errors.empty())
      result = Done{};
    else
      result = invalid(std::move(all_errors));
  });
  return std::move(*result);
}

Outcome<Done> upload_document(const Context& context, RegistrationServices& services, const std::string& token,
                              domain::DocumentKind kind, std::string_view bytes, bool too_large) {
  const std::string field(domain::document_kind_code(kind));
  auto draft = find_draft(context, services, token);
  if (!draft) return failure(ErrorCode::kNotFound);
  const auto needed = domain::required_documents(draft->type);
  if (std::find(needed.begin(), needed.end(), kind) == needed.end())
    return invalid({{field, ErrorCode::kInvalidChoice, {}}});
  if (too_large || bytes.size() > domain::kMaxDocumentBytes) return invalid({{field, ErrorCode::kFileTooLarge, {}}});
  if (bytes.empty()) return invalid({{field, ErrorCode::kRequired, {}}});

  // Counted before the image is decoded, whatever comes of it: the decoding is the cost being limited.
  bool allowed = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto key = "registration-image-checks:" + std::to_string(draft->id);
    const auto now = context.clock.now();
    allowed = static_cast<int>(repos.auth_failures.since(key, now - services.settings.draft_lifetime).size()) <
              services.settings.image_checks_per_draft;
    if (allowed) repos.auth_failures.record(key, now);
  });
  if (!allowed) return invalid({{field, ErrorCode::kTooManyUploads, {}}});

  auto checked = services.images.sanitize(bytes);
  if (auto* problem = std::get_if<ImageProblem>(&checked)) {
    ErrorCode code = ErrorCode::kFileCorrupt;
    switch (*problem) {
      case ImageProblem::kEmpty:
        code = ErrorCode::kRequired;
        break;
      case ImageProblem::kNotJpegOrPng:
        code = ErrorCode::kFileNotImage;
        break;
      case ImageProblem::kTruncatedOrCorrupt:
        code = ErrorCode::kFileCorrupt;
        break;
      case ImageProblem::kTrailingData:
        code = ErrorCode::kFileHasTrailingData;
        break;
      case ImageProblem::kTooManyPixels:
        code = ErrorCode::kFileTooManyPixels;
        break;
    }
    return invalid({{field, code, {}}});
  }
  const auto& image = std::get<CleanImage>(checked);
  const auto sealed = services.sealer.seal(image.bytes);
  const bool replacing = std::any_of(draft->documents.begin(), draft->documents.end(),
                                     [&](const DocumentRecord& document) { return document.kind == kind; });
  auto result =
      with_draft(context, services, token, [&](Repositories& repos, ApplicationRecord& record) -> Outcome<Done> {
        DocumentRecord document;
        document.application_id = record.id;
        document.kind = kind;
        document.media_type = image.media_type;
        document.byte_count = static_cast<long long>(image.bytes.size());
        document.width = image.width;
        document.height = image.height;
        document.uploaded_at = context.clock.now();
        repos.registrations.put_document(document, sealed);
        record.updated_at = context.clock.now();
        repos.registrations.update(record);
        return Done{};
      });
  if (replacing) context.store.erase_deleted_data();  // a replaced document must not linger either
  return result;
}

namespace {

// Someone submitted an application with an HKID number that has an application in progress, or else an account
// (`holder`). The browser gets the answer any submission gets; no account or application is made:
// the draft is kept as rejected (scrubbed, its documents destroyed), and the holder is told through what they
// gave us, not the contact details just typed (Hardening 4).
Submitted answer_duplicate(Repositories& repos, const Context& context, RegistrationServices& services,
                           ApplicationRecord& record, const domain::ApplicantDetails& details,
                           const std::string& digest, const std::optional<ReaderCredentials>& holder) {
  const auto now = context.clock.now();
  const auto reason = holder ? domain::RejectionReason::kAlreadyRegistered : domain::RejectionReason::kDuplicate;
  repos.registrations.destroy_documents(record.id, now, "rejected", std::nullopt);
  record.status = ApplicationStatus::kRejected;
  record.submitted_at = now;
  record.decided_at = now;
  record.decision = "rejected:" + std::string(domain::rejection_reason_code(reason));
  record.updated_at = now;
  scrub(record);
  repos.registrations.update(record);
  repos.registrations.forget_draft(record.id);
  repos.audit.record({now, std::nullopt, "registration.duplicate", "application:" + std::to_string(record.id),
                      holder ? "account" : "application"});

  // Told at most once in a while: a stranger must not be able to fill the holder's mailbox.
  const auto key = "registration-duplicate-notice:" + digest;
  if (repos.auth_failures.since(key, now - services.settings.duplicate_notice_interval).empty()) {
    repos.auth_failures.record(key, now);
    if (holder) {
      if (auto settings = repos.registrations.reader_settings(holder->reader_id))
        enqueue_message(repos, now, Recipient{settings->email, settings->mobile}, "registration_duplicate",
                        settings->language, {{"held", "account"}});
    } else {
      for (const auto& application : repos.registrations.find("", digest, "", 5)) {
        if (!domain::application_in_progress(application.status)) continue;
        tell_applicant(repos, context, open_form(services.sealer, application).form, application.language,
                       "registration_duplicate", {{"held", "application"}, {"reference", application.reference}});
        break;
      }
    }
  }

  Submitted submitted;
  submitted.reference = record.reference;
  submitted.type = record.type;
  submitted.can_log_in_now = domain::active_on_submission(record.type, details.smart_id_card);
  if (record.type == RegistrationType::kLibraryCard) submitted.library_code = details.library_code;
  return submitted;
}

}  // namespace

Outcome<Submitted> submit_application(const Context& context, RegistrationServices& services, const std::string& token,
                                      const std::string& address) {
  auto draft = find_draft(context, services, token);
  if (!draft) return failure(ErrorCode::kNotFound);
  if (!draft->terms_accepted || !draft->details_valid || !draft->password_set || !draft->documents_complete)
    return failure(ErrorCode::kStepMissing);
  const auto now = context.clock.now();
  auto details = domain::validate_applicant(draft->form, draft->type, context.zone.to_local(now).date);
  if (!details) return details.error();

  const auto digest = hkid_digest(context, details->hkid);
  const auto submissions_key = "registration-submissions:" + context.tokens.digest(address);
  for (int attempt = 0;; ++attempt) {
    std::optional<Outcome<Submitted>> result;
    bool duplicate = false;
    const auto account_number = new_account_number(context.tokens);
    try {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        duplicate = false;
        auto record = open_draft(repos, context, services, token);
        if (!record) {
          result = failure(ErrorCode::kNotFound);
          return;
        }
        // Counted whatever comes of it (a lost race rolls the count back with the rest, and the retry counts it).
        if (static_cast<int>(repos.auth_failures.since(submissions_key, now - std::chrono::hours(1)).size()) >=
            services.settings.submissions_per_address_per_hour) {
          result = failure(ErrorCode::kTooManyApplications);
          return;
        }
        repos.auth_failures.record(submissions_key, now);
        // An application in progress (whose account may exist already) first: its applicant is told about it.
        bool in_progress = repos.registrations.hkid_in_progress(digest, record->id);
        auto holder = in_progress ? std::optional<ReaderCredentials>() : repos.registrations.reader_by_hkid(digest);
        // On PostgreSQL each statement sees what was committed before it: an application committed between the
        // two reads above made its account too, so it is asked again before the account is taken for an old one.
        if (holder && repos.registrations.hkid_in_progress(digest, record->id)) {
          in_progress = true;
          holder.reset();
        }
        if (in_progress || holder) {
          result = answer_duplicate(repos, context, services, *record, details.value(), digest, holder);
          duplicate = true;
          return;
        }
        const auto opened = open_form(services.sealer, *record);
        const bool active_now = domain::active_on_submission(draft->type, details->smart_id_card);
        NewReader reader;
        reader.card_number = account_number;
        reader.name = details->name_en;
        reader.name_zh = details->name_zh;
        reader.category = domain::ReaderCategory::kEAccount;
        reader.status = active_now ? domain::ReaderStatus::kActive : domain::ReaderStatus::kPending;
        reader.hkid_digest = digest;
        reader.hkid_masked = details->hkid.masked();
        reader.password_hash = opened.password_hash;
        reader.date_of_birth = details->date_of_birth;
        reader.email = details->email;
        reader.mobile = details->mobile;
        reader.address = details->address;
        reader.language = details->language;
        record->reader_id = repos.registrations.insert_reader(reader, now);
        record->status = ApplicationStatus::kSubmitted;
        record->submitted_at = now;
        record->updated_at = now;
        repos.registrations.update(*record);
        repos.registrations.forget_draft(record->id);

        Submitted submitted;
        submitted.reference = record->reference;
        submitted.type = record->type;
        submitted.can_log_in_now = active_now;
        if (record->type == RegistrationType::kLibraryCard) submitted.library_code = details->library_code;
        tell_applicant(repos, context, draft->form, details->language, "registration_received",
                       {{"reference", record->reference},
                        {"name", details->name_en},
                        {"type", std::string(domain::registration_type_code(record->type))},
                        {"active", active_now ? "yes" : "no"},
                        {"library_name", library_name(repos, details->library_code, details->language)}});
        repos.audit.record({now, std::nullopt, "registration.submitted", "application:" + std::to_string(record->id),
                            std::string(domain::registration_type_code(record->type))});
        result = submitted;
      });
      if (duplicate) context.store.erase_deleted_data();  // the documents just destroyed must not linger
      return std::move(*result);
    } catch (const StoreError& error) {
      // Another submission with this HKID won the race (the next attempt answers it as a duplicate), or the
      // account number was drawn twice (the next attempt draws another).
      if (!error.is_unique_violation() || attempt >= 3) throw;
    }
  }
}

// ----- staff -----

namespace {

bool may_verify(const Actor& actor) {
  return domain::role_allows(actor.role, domain::Permission::kVerifyRegistrations);
}
bool may_complete(const Actor& actor) {
  return domain::role_allows(actor.role, domain::Permission::kCompleteRegistrations);
}

// A reader registered under 18 keeps their guarantor (the guarantee section of the form) once the account is a
// full one: staff see who to call (reader_care.h). The rest of the form is scrubbed.
void keep_guarantor(Repositories& repos, long long reader_id, const domain::ApplicantForm& form, Instant now) {
  if (trim(form.guardian_name).empty()) return;
  const auto phone = domain::normalise_hk_mobile(form.guardian_phone);
  if (form.guardian_relationship != "parent" && form.guardian_relationship != "guardian") return;
  repos.reader_care.save_guarantor(reader_id, {clean_single_line_text(form.guardian_name), form.guardian_relationship,
                                               phone.value_or(std::string(trim(form.guardian_phone))), now});
}

ApplicationSummary summarise(Repositories& repos, ApplicationRecord record) {
  ApplicationSummary summary;
  summary.library_code = library_code_of(repos, record.library_id);
  summary.documents = static_cast<int>(repos.registrations.documents(record.id).size());
  summary.record = std::move(record);
  return summary;
}

// Runs a decision on an application in one transaction, then makes sure destroyed documents are gone.
template <class Decide>
Outcome<Done> decide(const Context& context, long long application_id, Decide decide_in) {
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto record = repos.registrations.by_id(application_id);
    if (!record || record->status == ApplicationStatus::kDraft) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = decide_in(repos, *record);
  });
  if (result->ok()) context.store.erase_deleted_data();
  return std::move(*result);
}

}  // namespace

Outcome<ApplicationQueue> registration_queue(const Context& context, const Actor& actor,
                                             const ApplicationFilter& filter) {
  if (!may_verify(actor)) return failure(ErrorCode::kPermissionDenied);
  ApplicationQueue queue;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (auto& record : repos.registrations.list(filter)) queue.entries.push_back(summarise(repos, std::move(record)));
    queue.total = repos.registrations.count(filter);
  });
  return queue;
}

Outcome<ApplicationDetail> application_detail(const Context& context, RegistrationServices& services,
                                              const Actor& actor, long long application_id) {
  if (!may_verify(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<ApplicationDetail> detail;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto record = repos.registrations.by_id(application_id);
    if (!record || record->status == ApplicationStatus::kDraft) return;
    ApplicationDetail d;
    d.form = open_form(services.sealer, *record).form;
    // In full: verifiers compare it with the document.
    if (auto hkid = domain::parse_hkid(d.form.hkid)) d.hkid_display = hkid->display();
    d.documents = repos.registrations.documents(record->id);
    d.deletions = repos.registrations.deletions(record->id);
    d.summary = summarise(repos, std::move(*record));
    repos.audit.record({context.clock.now(), actor.staff_id, "registration.view",
                        "application:" + std::to_string(application_id), ""});
    detail = std::move(d);
  });
  if (!detail) return failure(ErrorCode::kNotFound);
  return std::move(*detail);
}

Outcome<DocumentContent> application_document(const Context& context, RegistrationServices& services,
                                              const Actor& actor, long long application_id, long long document_id) {
  if (!may_verify(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<std::pair<DocumentRecord, Sealed>> found;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    found = repos.registrations.document(application_id, document_id);
    if (found)
      repos.audit.record({context.clock.now(), actor.staff_id, "document.view",
                          "application:" + std::to_string(application_id),
                          "document:" + std::to_string(document_id) + " " +
                              std::string(domain::document_kind_code(found->first.kind))});
  });
  if (!found) return failure(ErrorCode::kNotFound);
  auto bytes = services.sealer.open(found->second);
  if (!bytes) throw std::runtime_error("document " + std::to_string(document_id) + " cannot be opened");
  return DocumentContent{found->first, std::move(*bytes)};
}

Outcome<Done> approve_application(const Context& context, RegistrationServices& services, const Actor& actor,
                                  long long application_id) {
  if (!may_verify(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  return decide(context, application_id, [&](Repositories& repos, ApplicationRecord& record) -> Outcome<Done> {
    if (record.status != ApplicationStatus::kSubmitted) return failure(ErrorCode::kApplicationNotOpen);
    const auto form = open_form(services.sealer, record).form;
    repos.registrations.destroy_documents(record.id, now, "approved", actor.staff_id);
    record.decided_at = now;
    record.decided_by = actor.staff_id;
    record.decision = "approved";
    record.updated_at = now;
    const auto library = library_code_of(repos, record.library_id);
    if (record.type == RegistrationType::kEAccount) {
      record.status = ApplicationStatus::kCompleted;
      if (record.reader_id) {
        repos.circulation.set_reader_status(*record.reader_id, domain::ReaderStatus::kActive);
        keep_guarantor(repos, *record.reader_id, form, now);
      }
      scrub(record);
    } else {
      record.status = ApplicationStatus::kVerified;
    }
    repos.registrations.update(record);
    tell_applicant(repos, context, form, record.language, "registration_approved",
                   {{"reference", record.reference},
                    {"type", std::string(domain::registration_type_code(record.type))},
                    {"library_name", library_name(repos, library, record.language)}});
    repos.audit.record({now, actor.staff_id, "registration.approve", "application:" + std::to_string(record.id), ""});
    return Done{};
  });
}

Outcome<Done> reject_application(const Context& context, RegistrationServices& services, const Actor& actor,
                                 long long application_id, const std::string& reason_code) {
  if (!may_verify(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto reason = domain::parse_rejection_reason(reason_code);
  if (!reason) return invalid({{"reason", ErrorCode::kInvalidChoice, {}}});
  const auto now = context.clock.now();
  return decide(context, application_id, [&](Repositories& repos, ApplicationRecord& record) -> Outcome<Done> {
    if (!domain::application_in_progress(record.status)) return failure(ErrorCode::kApplicationNotOpen);
    const auto form = open_form(services.sealer, record).form;
    repos.registrations.destroy_documents(record.id, now, "rejected", actor.staff_id);
    if (record.reader_id) release_enrolments_of_reader(context, repos, *record.reader_id, now);
    if (record.reader_id && repos.registrations.withdraw_reader(*record.reader_id)) record.reader_id.reset();
    record.status = ApplicationStatus::kRejected;
    record.decided_at = now;
    record.decided_by = actor.staff_id;
    record.decision = "rejected:" + reason_code;
    record.updated_at = now;
    scrub(record);
    repos.registrations.update(record);
    tell_applicant(repos, context, form, record.language, "registration_rejected",
                   {{"reference", record.reference}, {"reason", reason_code}});
    repos.audit.record(
        {now, actor.staff_id, "registration.reject", "application:" + std::to_string(record.id), reason_code});
    return Done{};
  });
}

namespace {

// Only what completing a Type B application in person needs (see CompletionView); nullopt for anything else.
std::optional<CompletionView> completion_view_of(Repositories& repos, RegistrationServices* services,
                                                 const ApplicationRecord& record, Date today) {
  if (!domain::completable_in_person(record.type, record.status)) return std::nullopt;
  CompletionView view;
  view.id = record.id;
  view.reference = record.reference;
  view.status = record.status;
  view.name_en = record.name_en;
  view.name_zh = record.name_zh;
  view.hkid_masked = record.hkid_masked;
  view.library_code = library_code_of(repos, record.library_id);
  view.submitted_at = record.submitted_at;
  if (services) {
    const auto form = open_form(services->sealer, record).form;
    view.address = form.address;
    const auto born = parse_iso_date(form.date_of_birth);
    view.category = domain::reader_category_for_age(born ? domain::age_on(*born, today) : domain::kAdultAge);
  }
  return view;
}

}  // namespace

Outcome<std::vector<CompletionView>> find_for_completion(const Context& context, const Actor& actor,
                                                         const std::string& query) {
  if (!may_complete(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto text = clean_single_line_text(query);
  if (text.empty()) return std::vector<CompletionView>{};
  std::string digest;
  if (auto hkid = domain::parse_hkid(text)) digest = hkid_digest(context, hkid.value());
  std::string reference;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-')
      reference += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (reference.size() == 9 && reference[0] == 'R') reference.insert(5, "-");  // typed without the hyphen
  const auto today = context.zone.to_local(context.clock.now()).date;
  std::vector<CompletionView> found;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    found.clear();
    for (const auto& record :
         repos.registrations.find_awaiting_completion(reference, digest, digest.empty() ? text : "", 20))
      if (auto view = completion_view_of(repos, nullptr, record, today)) found.push_back(std::move(*view));
  });
  return found;
}

Outcome<CompletionView> completion_view(const Context& context, RegistrationServices& services, const Actor& actor,
                                        long long application_id) {
  if (!may_complete(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  std::optional<CompletionView> view;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    view.reset();
    auto record = repos.registrations.by_id(application_id);
    if (!record) return;
    view = completion_view_of(repos, &services, *record, context.zone.to_local(now).date);
    if (view)
      repos.audit.record(
          {now, actor.staff_id, "registration.completion_view", "application:" + std::to_string(application_id), ""});
  });
  if (!view) return failure(ErrorCode::kNotFound);
  return std::move(*view);
}

Outcome<Completed> complete_in_person(const Context& context, RegistrationServices& services, const Actor& actor,
                                      long long application_id, const CompletionInput& input) {
  if (!may_complete(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::vector<FieldError> errors;
  if (!input.link_smart_id && !input.issue_card) errors.push_back({"issue_card", ErrorCode::kRequired, {}});
  std::optional<domain::Hkid> smart_id;
  std::optional<Date> issued;
  if (input.link_smart_id)
    smart_id = check_smart_id_card(errors, input.smart_id_number, input.smart_id_issue_date, today, issued);
  const auto card = std::string(trim(input.card_number));
  if (input.issue_card && !domain::valid_card_number(card))
    errors.push_back({"card_number", ErrorCode::kCardNumberInvalid, {}});
  if (!errors.empty()) return invalid(std::move(errors));

  std::optional<Outcome<Completed>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      auto record = repos.registrations.by_id(application_id);
      if (!record || record->status == ApplicationStatus::kDraft) {
        result = failure(ErrorCode::kNotFound);
        return;
      }
      if (!domain::completable_in_person(record->type, record->status) || !record->reader_id) {
        result = failure(ErrorCode::kApplicationNotOpen);
        return;
      }
      if (smart_id && hkid_digest(context, *smart_id) != record->hkid_digest) {
        result = invalid({{"smart_id_number", ErrorCode::kHkidDoesNotMatch, {}}});
        return;
      }
      if (input.issue_card && repos.circulation.reader_by_card(card)) {
        result = invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
        return;
      }
      const auto form = open_form(services.sealer, *record).form;
      const auto born = parse_iso_date(form.date_of_birth);
      const auto category = domain::reader_category_for_age(born ? domain::age_on(*born, today) : domain::kAdultAge);
      auto reader = repos.circulation.reader_by_id(*record->reader_id);
      const auto card_number = input.issue_card ? card : (reader ? reader->card_number : std::string());
      repos.registrations.complete_reader(*record->reader_id, card_number, category, issued);
      keep_guarantor(repos, *record->reader_id, form, now);
      repos.registrations.destroy_documents(record->id, now, "completed", actor.staff_id);
      record->status = ApplicationStatus::kCompleted;
      record->decided_at = now;
      record->decided_by = actor.staff_id;
      record->decision = "completed";
      record->updated_at = now;
      const auto name = record->name_en;
      scrub(*record);
      repos.registrations.update(*record);
      tell_applicant(repos, context, form, record->language, "registration_completed",
                     {{"reference", record->reference}, {"card", input.issue_card ? card : ""}});
      repos.audit.record({now, actor.staff_id, "registration.complete", "application:" + std::to_string(record->id),
                          std::string(input.issue_card ? "card" : "") + (input.link_smart_id ? " smart_id" : "")});
      result = Completed{card_number, name};
    });
  } catch (const StoreError& error) {
    if (!error.is_unique_violation()) throw;
    return invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
  }
  if (result->ok()) context.store.erase_deleted_data();
  return std::move(*result);
}

ExpiryResult expire_applications(const Context& context, RegistrationServices& services) {
  ExpiryResult expired;
  const auto now = context.clock.now();
  for (;;) {
    std::vector<long long> ids;
    context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
      ids = repos.registrations.expirable(now - services.settings.draft_lifetime,
                                          now - services.settings.completion_window, 100);
    });
    if (ids.empty()) break;
    for (auto id : ids) {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        auto record = repos.registrations.by_id(id);
        if (!record) return;
        const bool draft = record->status == ApplicationStatus::kDraft;
        const auto form = open_form(services.sealer, *record).form;
        expired.documents += repos.registrations.destroy_documents(id, now, "expired", std::nullopt);
        if (record->reader_id) release_enrolments_of_reader(context, repos, *record->reader_id, now);
        if (record->reader_id && repos.registrations.withdraw_reader(*record->reader_id)) record->reader_id.reset();
        record->status = ApplicationStatus::kExpired;
        record->decided_at = now;
        record->decision = "expired";
        record->updated_at = now;
        scrub(*record);
        repos.registrations.update(*record);
        repos.registrations.forget_draft(id);
        if (draft) {
          ++expired.drafts;
        } else {
          ++expired.applications;
          tell_applicant(repos, context, form, record->language, "registration_expired",
                         {{"reference", record->reference}});
        }
      });
    }
  }
  if (expired.drafts + expired.applications > 0) context.store.erase_deleted_data();
  return expired;
}

}  // namespace shelfmark::app
