// Storage ports for online registration (applications, their encrypted documents and the record of each
// document's destruction), the outbox of messages to readers and applicants, and the sealer that encrypts
// identity data at rest.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/circulation.h"
#include "domain/policy.h"
#include "domain/registration.h"

namespace shelfmark::app {

// Encryption at rest (libsodium in security/). Every sealed value has its own random key, itself sealed
// with the server's key: destroying the row destroys the only copy of that key, so stray copies of the
// ciphertext (free database pages, backups) cannot be read afterwards ("crypto-shredding", ADR 0012).
struct Sealed {
  std::string key;         // the value's own key, sealed with the server's key (base64)
  std::string ciphertext;  // base64
};
class Sealer {
 public:
  virtual ~Sealer() = default;
  virtual Sealed seal(std::string_view plain) = 0;
  // Nullopt when the value was sealed with another server key or has been tampered with.
  virtual std::optional<std::string> open(const Sealed& sealed) = 0;
};

struct ApplicationRecord {
  long long id = 0;
  std::string reference;
  domain::RegistrationType type = domain::RegistrationType::kEAccount;
  domain::ApplicationStatus status = domain::ApplicationStatus::kDraft;
  std::optional<Sealed> form;  // the applicant's form as JSON (see registration.cpp); absent once scrubbed
  std::string name_en;         // plain, so that counter staff can find the application by name
  std::string name_zh;
  std::string hkid_digest;  // keyed digest of the HKID's normal form; empty until the details are valid
  std::string hkid_masked;
  std::optional<long long> library_id;  // Type B: where it is completed
  domain::Language language = domain::Language::kEnglish;
  std::string terms_version;
  std::optional<Instant> terms_accepted_at;
  bool details_valid = false;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> submitted_at;
  std::optional<Instant> decided_at;
  std::optional<long long> decided_by;
  std::string decision;  // "approved", "rejected:<reason>", "completed", "expired"
  std::optional<long long> reader_id;
};

struct DocumentRecord {
  long long id = 0;
  long long application_id = 0;
  domain::DocumentKind kind = domain::DocumentKind::kIdentity;
  std::string media_type;
  long long byte_count = 0;
  int width = 0;
  int height = 0;
  Instant uploaded_at;
};

struct DocumentDeletion {
  long long application_id = 0;
  domain::DocumentKind kind = domain::DocumentKind::kIdentity;
  std::string media_type;
  long long byte_count = 0;
  Instant uploaded_at;
  Instant deleted_at;
  std::string decision;  // why: "approved", "rejected", "completed", "expired", "replaced"
  std::optional<long long> staff_id;
};

struct ApplicationFilter {
  std::optional<domain::RegistrationType> type;
  std::vector<domain::ApplicationStatus> statuses;  // empty: submitted and verified
  std::optional<long long> library_id;
  int limit = 50;
  int offset = 0;
};

// A reader created by registration (or a temporary card at the counter), with what registration knows.
struct NewReader {
  std::string card_number;
  std::string name;
  std::string name_zh;
  domain::ReaderCategory category = domain::ReaderCategory::kEAccount;
  domain::ReaderStatus status = domain::ReaderStatus::kPending;
  std::optional<Date> expires_on;
  std::string hkid_digest;  // empty for temporary cards (no HKID)
  std::string hkid_masked;
  std::string password_hash;
  std::optional<Date> date_of_birth;
  std::string email;
  std::string mobile;
  std::string address;
  domain::Language language = domain::Language::kEnglish;
};

// My Setting.
struct ReaderSettings {
  domain::Language language = domain::Language::kEnglish;
  std::string channel = "email";  // "email", "sms", "none"
  bool notify_reservations = true;
  bool notify_due = true;
  bool notify_overdue = true;
  bool keep_history = false;
  std::string email;
  std::string mobile;
  std::string address;
  std::optional<Date> date_of_birth;  // read only: given at registration, not changed in My Setting
};

struct PasswordReset {
  long long reader_id = 0;
  Instant expires_at;
  std::optional<Instant> used_at;
};

struct ReaderCredentials {
  long long reader_id = 0;
  std::string password_hash;  // empty: no password set (card and PIN only)
};

class RegistrationRepository {
 public:
  virtual ~RegistrationRepository() = default;
  // Throws StoreError(kUniqueViolation) for a reference or draft digest in use.
  virtual long long insert(const ApplicationRecord& application, const std::string& draft_digest) = 0;
  virtual std::optional<ApplicationRecord> by_id(long long id) = 0;
  virtual std::optional<ApplicationRecord> by_draft(const std::string& draft_digest) = 0;
  virtual std::optional<ApplicationRecord> by_reference(const std::string& reference) = 0;
  // Saves every field of the record (not the id, reference or draft digest). Throws StoreError
  // (kUniqueViolation) when the record is in progress and another application in progress has its HKID.
  virtual void update(const ApplicationRecord& application) = 0;
  // Once submitted, the draft cookie no longer opens the application.
  virtual void forget_draft(long long id) = 0;
  virtual std::vector<ApplicationRecord> list(const ApplicationFilter& filter) = 0;
  virtual long long count(const ApplicationFilter& filter) = 0;
  // In progress or completed applications and readers holding this HKID digest.
  virtual bool hkid_in_progress(const std::string& hkid_digest, long long except_application) = 0;
  virtual std::vector<ApplicationRecord> find(const std::string& reference, const std::string& hkid_digest,
                                              const std::string& name, int limit) = 0;
  // The same, among Type B applications awaiting completion in person (submitted or verified) only.
  virtual std::vector<ApplicationRecord> find_awaiting_completion(const std::string& reference,
                                                                  const std::string& hkid_digest,
                                                                  const std::string& name, int limit) = 0;
  // Drafts untouched since `draft_before`, and submitted or verified ones submitted before `submitted_before`.
  virtual std::vector<long long> expirable(Instant draft_before, Instant submitted_before, int limit) = 0;

  // Readers' identity, kept with registration because only registration and sign-in use it.
  // Throws StoreError(kUniqueViolation) when the card number or HKID digest is taken.
  virtual long long insert_reader(const NewReader& reader, Instant at) = 0;
  virtual std::optional<ReaderCredentials> reader_by_hkid(const std::string& hkid_digest) = 0;
  virtual std::optional<ReaderCredentials> reader_credentials(long long reader_id) = 0;
  virtual void set_reader_password(long long reader_id, const std::string& password_hash) = 0;
  virtual std::optional<ReaderSettings> reader_settings(long long reader_id) = 0;
  virtual void save_reader_settings(long long reader_id, const ReaderSettings& settings) = 0;
  // Returned loans of readers who keep no history, returned before `before` and owing nothing, lose their
  // reader. Returns how many.
  virtual int anonymise_returned_loans(Instant before) = 0;
  virtual void insert_password_reset(const std::string& token_digest, long long reader_id, Instant at,
                                     Instant expires_at) = 0;
  virtual std::optional<PasswordReset> password_reset(const std::string& token_digest) = 0;
  // True when this call used it (it was unused): a link works once, even when followed twice at once.
  virtual bool use_password_reset(const std::string& token_digest, Instant at) = 0;
  // Deletes every reset link of the reader, used or not: a new link, a new password or a new email address
  // leaves no older link working.
  virtual void withdraw_password_resets(long long reader_id) = 0;
  // Completion at the counter: the account becomes a full one. Throws kUniqueViolation for a taken card.
  virtual void complete_reader(long long reader_id, const std::string& card_number, domain::ReaderCategory category,
                               std::optional<Date> smart_id_issue_date) = 0;
  // The account made for an application that was rejected or expired: deleted when nothing refers to it,
  // else suspended; either way its HKID and password are released, so the person may apply again.
  // True when deleted.
  virtual bool withdraw_reader(long long reader_id) = 0;

  // Replaces any document of the same kind (recording the replaced one's deletion).
  virtual long long put_document(const DocumentRecord& document, const Sealed& content) = 0;
  virtual std::vector<DocumentRecord> documents(long long application_id) = 0;
  virtual std::optional<std::pair<DocumentRecord, Sealed>> document(long long application_id,
                                                                    long long document_id) = 0;
  // Deletes every document of the application and records each deletion; returns how many.
  virtual int destroy_documents(long long application_id, Instant at, const std::string& decision,
                                std::optional<long long> staff_id) = 0;
  virtual std::vector<DocumentDeletion> deletions(long long application_id) = 0;
};

// Messages to readers and applicants, written in the same transaction as what they tell of, and sent by a
// job (so a message is sent once, after the change is committed, even with several nodes).
struct OutboundMessage {
  long long id = 0;
  std::string channel;    // "email" or "sms"
  std::string recipient;  // address or 8-digit mobile number
  std::string kind;       // "registration_received", "registration_approved", ...
  domain::Language language = domain::Language::kEnglish;
  std::string params;  // JSON object of the values the message text needs
  Instant created_at;
  int attempts = 0;
  Instant next_attempt_at;
};

// A reservation or loan a reader should be told about, with where to tell them.
struct NoticeCandidate {
  std::string subject;  // "reservation:12", "loan:7:2026-11-25": each is told once per kind
  long long reader_id = 0;
  std::string channel;  // "email" or "sms" (readers who chose none are never candidates)
  std::string email;
  std::string mobile;
  domain::Language language = domain::Language::kEnglish;
  std::string title;
  std::optional<Date> date;  // due date, or last day to collect
  std::string library_en;
  std::string library_tc;
};

class OutboxRepository {
 public:
  // kind: "reservation_ready", "reservation_expiring" (last day to collect is `soon`), "due_soon" (due on
  // `soon`), "overdue" (due before `today`). Only readers who asked for that topic, and not told before.
  virtual std::vector<NoticeCandidate> notice_candidates(const std::string& kind, Date today, Date soon, int limit) = 0;
  // False when that notice was already recorded (by this or another node, even at the same moment).
  virtual bool mark_notice_sent(const std::string& kind, const std::string& subject, Instant at) = 0;
  virtual ~OutboxRepository() = default;
  virtual long long enqueue(const OutboundMessage& message) = 0;
  // Due, unsent, unfailed messages of a channel, oldest first.
  virtual std::vector<OutboundMessage> due(const std::string& channel, Instant now, int limit) = 0;
  // `forget_values`: blank the values at once (a password reset link must not wait in the table).
  virtual void mark_sent(long long id, Instant at, bool forget_values) = 0;
  virtual void mark_retry(long long id, Instant next_attempt_at, const std::string& error) = 0;
  virtual void mark_failed(long long id, Instant at, const std::string& error) = 0;
  // Sent or failed messages older than `before` lose their text and recipient (kept: kind, times, outcome).
  virtual int scrub(Instant before) = 0;
  // For tests and the operations page: every message of a kind to a recipient.
  virtual std::vector<OutboundMessage> to_recipient(const std::string& recipient) = 0;
};

}  // namespace shelfmark::app
