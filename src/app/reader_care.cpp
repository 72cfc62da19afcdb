#include "app/reader_care.h"

#include <algorithm>
#include <chrono>

#include "app/messages.h"
#include "app/terminals.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

constexpr std::size_t kNoteMax = 1000;
constexpr std::size_t kReasonMax = 300;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kEditReaders); }
std::string subject(long long reader_id) { return "reader:" + std::to_string(reader_id); }

std::optional<ReaderProfile> profile_by_card(Repositories& repos, const std::string& card_number) {
  const auto reader = repos.circulation.reader_by_card(std::string(trim(card_number)));
  if (!reader) return std::nullopt;
  return repos.reader_care.profile(reader->id);
}

// Runs `work` on the reader in one write transaction, after the permission check; kNotFound for an unknown
// card. `work` returns the outcome.
template <class T, class Work>
Outcome<T> with_reader(const Context& context, const Actor& actor, const std::string& card_number, Work work) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<T>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto profile = profile_by_card(repos, card_number);
    if (!profile) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = work(repos, *profile);
  });
  return std::move(*result);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view note_kind_code(NoteKind kind) { return kind == NoteKind::kToReader ? "to_reader" : "internal"; }

std::optional<NoteKind> parse_note_kind(std::string_view code) {
  if (code == "internal") return NoteKind::kInternal;
  if (code == "to_reader") return NoteKind::kToReader;
  return std::nullopt;
}

bool identity_verified(const ReaderProfile& profile) {
  return profile.has_hkid && profile.status != domain::ReaderStatus::kPending;
}

Outcome<ReaderProfile> reader_for_care(const Context& context, const Actor& actor, const std::string& card_number) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<ReaderProfile> profile;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { profile = profile_by_card(repos, card_number); });
  if (!profile) return failure(ErrorCode::kNotFound);
  return *profile;
}

Outcome<ReaderProfile> edit_reader_details(const Context& context, const Actor& actor, const std::string& card_number,
                                           long long expected_version, const DetailsEdit& edit) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  return with_reader<ReaderProfile>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<ReaderProfile> {
        if (profile.version != expected_version) return failure(ErrorCode::kEditConflict);
        auto details = domain::validate_reader_details(edit.form, profile.details.date_of_birth.has_value(),
                                                       profile.details.channel, today);
        std::vector<domain::FieldError> errors;
        if (!details) errors = details.error().fields;
        const auto changes =
            details ? domain::changed_fields(profile.details, details.value()) : std::vector<domain::FieldChange>{};
        const auto reason = clean_single_line_text(edit.reason);
        if (domain::needs_reason(changes, identity_verified(profile)) && reason.empty())
          errors.push_back({"reason", ErrorCode::kReasonRequired, {}});
        domain::check_text(errors, "reason", edit.reason, kReasonMax, false);
        if (!errors.empty()) return domain::invalid(std::move(errors));
        if (changes.empty()) return profile;  // nothing to save: the version stays
        if (!repos.reader_care.save_details(profile.id, expected_version, details.value()))
          return failure(ErrorCode::kEditConflict);
        const auto before = profile.details;
        profile.details = details.value();
        profile.version = expected_version + 1;
        if (before.email != profile.details.email) repos.registrations.withdraw_password_resets(profile.id);
        if (domain::contact_changed(changes)) {
          // Told on the old channel (which may no longer be the reader's to read if this was a mistake) and on
          // the new one, in the reader's language.
          const std::map<std::string, std::string> params{{"name", profile.details.name_en}};
          const auto language = profile.details.language;
          if (before.email != profile.details.email) {
            if (!before.email.empty())
              enqueue_message(repos, now, {before.email, ""}, "contact_changed", language, params);
            if (!profile.details.email.empty())
              enqueue_message(repos, now, {profile.details.email, ""}, "contact_changed", language, params);
          }
          if (before.mobile != profile.details.mobile) {
            if (!before.mobile.empty())
              enqueue_message(repos, now, {"", before.mobile}, "contact_changed", language, params);
            if (!profile.details.mobile.empty())
              enqueue_message(repos, now, {"", profile.details.mobile}, "contact_changed", language, params);
          }
        }
        auto detail = domain::change_detail(changes);
        if (!reason.empty()) detail += "; reason: " + reason;
        repos.audit.record({now, actor.staff_id, "reader.update", subject(profile.id), detail});
        return profile;
      });
}

Outcome<ReaderProfile> renew_membership(const Context& context, const Actor& actor, const std::string& card_number,
                                        long long expected_version) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  return with_reader<ReaderProfile>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<ReaderProfile> {
        if (profile.version != expected_version) return failure(ErrorCode::kEditConflict);
        if (profile.status == domain::ReaderStatus::kPending) return failure(ErrorCode::kReaderNotActive);
        const auto before = profile.expires_on;
        const auto expires = domain::renewed_expiry(profile.category, before, today);
        const auto status =
            profile.status == domain::ReaderStatus::kExpired ? domain::ReaderStatus::kActive : profile.status;
        if (!repos.reader_care.save_membership(profile.id, expected_version, expires, status))
          return failure(ErrorCode::kEditConflict);
        if (status != profile.status)
          repos.reader_care.add_status_change(profile.id,
                                              {profile.status, status, "membership renewed", actor.staff_id, "", now});
        repos.audit.record({now, actor.staff_id, "reader.renew_membership", subject(profile.id),
                            "expires_on: " + (before ? format_iso_date(*before) : std::string("(none)")) + " -> " +
                                format_iso_date(expires)});
        profile.expires_on = expires;
        profile.status = status;
        profile.version = expected_version + 1;
        return profile;
      });
}

Outcome<BlockRecord> block_reader(const Context& context, const Actor& actor, const std::string& card_number,
                                  const BlockInput& input) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::vector<domain::FieldError> errors;
  const auto reason = domain::parse_block_reason(input.reason);
  if (!reason) errors.push_back({"reason", ErrorCode::kInvalidChoice, {}});
  std::optional<Date> ends_on;
  if (auto problem = domain::check_block_end(input.ends_on, today, ends_on)) errors.push_back(*problem);
  domain::check_text(errors, "note", input.note, kReasonMax, false);
  return with_reader<BlockRecord>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<BlockRecord> {
        if (!errors.empty()) return domain::invalid(errors);
        BlockRecord block;
        block.block = {0, *reason, today, ends_on};
        block.reader_id = profile.id;
        block.note = clean_multiline_text(trim(input.note));
        block.created_by = actor.staff_id;
        block.created_at = now;
        block.block.id = repos.reader_care.add_block(block);
        repos.reader_care.raise_version(profile.id);
        repos.audit.record({now, actor.staff_id, "reader.block", subject(profile.id),
                            "block:" + std::to_string(block.block.id) +
                                " reason=" + std::string(domain::block_reason_code(*reason)) +
                                (ends_on ? " until=" + format_iso_date(*ends_on) : std::string())});
        return block;
      });
}

Outcome<domain::Done> lift_block(const Context& context, const Actor& actor, const std::string& card_number,
                                 long long block_id) {
  const auto now = context.clock.now();
  return with_reader<domain::Done>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<domain::Done> {
        if (!repos.reader_care.lift_block(profile.id, block_id, actor.staff_id, now))
          return failure(ErrorCode::kNotFound);
        repos.reader_care.raise_version(profile.id);
        repos.audit.record(
            {now, actor.staff_id, "reader.unblock", subject(profile.id), "block:" + std::to_string(block_id)});
        return domain::Done{};
      });
}

Outcome<NoteRecord> add_note(const Context& context, const Actor& actor, const std::string& card_number,
                             const std::string& kind, const std::string& body) {
  const auto now = context.clock.now();
  std::vector<domain::FieldError> errors;
  const auto parsed = parse_note_kind(kind);
  if (!parsed) errors.push_back({"kind", ErrorCode::kInvalidChoice, {}});
  domain::check_text(errors, "body", body, kNoteMax, true);
  return with_reader<NoteRecord>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<NoteRecord> {
        if (!errors.empty()) return domain::invalid(errors);
        NoteRecord note;
        note.reader_id = profile.id;
        note.kind = *parsed;
        note.body = clean_multiline_text(trim(body));
        note.created_by = actor.staff_id;
        note.created_at = now;
        note.id = repos.reader_care.add_note(note);
        repos.reader_care.raise_version(profile.id);
        // The text stays in the note: the audit says only that one was written, and of which kind.
        repos.audit.record({now, actor.staff_id, "reader.note", subject(profile.id),
                            "note:" + std::to_string(note.id) + " " + std::string(note_kind_code(note.kind))});
        return note;
      });
}

Outcome<domain::Done> acknowledge_note(const Context& context, const Actor& actor, const std::string& card_number,
                                       long long note_id) {
  const auto now = context.clock.now();
  return with_reader<domain::Done>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<domain::Done> {
        if (!repos.reader_care.acknowledge_note(profile.id, note_id, actor.staff_id, now))
          return failure(ErrorCode::kNotFound);
        repos.audit.record(
            {now, actor.staff_id, "reader.note_acknowledged", subject(profile.id), "note:" + std::to_string(note_id)});
        return domain::Done{};
      });
}

Outcome<domain::Done> acknowledge_own_note(const Context& context, long long reader_id, long long note_id) {
  bool done = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    done = repos.reader_care.acknowledge_note(reader_id, note_id, std::nullopt, context.clock.now());
  });
  if (!done) return failure(ErrorCode::kNotFound);
  return domain::Done{};
}

Outcome<domain::Done> set_pin_in_person(const Context& context, const Actor& actor, const std::string& card_number,
                                        const std::string& pin, const std::string& repeated) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::vector<domain::FieldError> errors;
  if (pin.size() < kPinMinDigits || pin.size() > kPinMaxDigits || !all_digits(pin))
    errors.push_back({"pin", ErrorCode::kPinInvalid, {}});
  else if (pin != repeated)
    errors.push_back({"repeated_pin", ErrorCode::kPinsDiffer, {}});
  // Hashing is slow and needs no transaction: only for a PIN that will be stored.
  const auto hash = errors.empty() ? context.hasher.hash(pin) : std::string();
  const auto now = context.clock.now();
  return with_reader<domain::Done>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<domain::Done> {
        if (!errors.empty()) return domain::invalid(errors);
        repos.sip.set_reader_pin_hash(profile.id, hash);
        repos.reader_care.raise_version(profile.id);
        repos.audit.record({now, actor.staff_id, "reader.pin_set", subject(profile.id), "in person"});
        return domain::Done{};
      });
}

Outcome<domain::Done> send_password_reset(const Context& context, const Actor& actor, const std::string& card_number,
                                          const PasswordResetPolicy& policy) {
  const auto now = context.clock.now();
  return with_reader<domain::Done>(
      context, actor, card_number, [&](Repositories& repos, ReaderProfile& profile) -> Outcome<domain::Done> {
        if (profile.details.email.empty()) return failure(ErrorCode::kNoEmailForReset);
        // As "forgot your password": no token yet; issue_password_reset_link makes it as the email goes out.
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(policy.link_lifetime).count();
        enqueue_message(repos, now, {profile.details.email, ""}, "password_reset", profile.details.language,
                        {{"reader", std::to_string(profile.id)}, {"minutes", std::to_string(minutes)}});
        repos.audit.record({now, actor.staff_id, "reader.password_reset_sent", subject(profile.id), "by staff"});
        return domain::Done{};
      });
}

bool block_in_force(const BlockRecord& record, Date today) {
  return !record.lifted_at && domain::block_active(record.block, today);
}

std::vector<BlockRecord> reader_blocks(const Context& context, long long reader_id) {
  std::vector<BlockRecord> blocks;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { blocks = repos.reader_care.blocks(reader_id); });
  return blocks;
}

std::vector<NoteRecord> reader_notes(const Context& context, long long reader_id) {
  std::vector<NoteRecord> notes;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { notes = repos.reader_care.notes(reader_id); });
  return notes;
}

std::vector<NoteRecord> notes_to_acknowledge(const Context& context, long long reader_id) {
  auto notes = reader_notes(context, reader_id);
  std::vector<NoteRecord> open;
  for (auto it = notes.rbegin(); it != notes.rend(); ++it)
    if (it->kind == NoteKind::kToReader && !it->acknowledged_at) open.push_back(*it);
  return open;
}

std::optional<Guarantor> reader_guarantor(const Context& context, long long reader_id) {
  std::optional<Guarantor> guarantor;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { guarantor = repos.reader_care.guarantor(reader_id); });
  return guarantor;
}

std::vector<StatusChange> reader_status_history(const Context& context, long long reader_id) {
  std::vector<StatusChange> history;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { history = repos.reader_care.status_history(reader_id); });
  return history;
}

int membership_expiry_reminders(const Context& context, const ExpiryReminderPolicy& policy) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  int queued = 0;
  for (;;) {
    std::vector<ExpiryCandidate> candidates;
    context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
      candidates = repos.reader_care.expiring(today, today + std::chrono::days(policy.days_before), policy.batch);
    });
    for (const auto& candidate : candidates) {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        const auto told = "reader:" + std::to_string(candidate.reader_id) + ":" + format_iso_date(candidate.expires_on);
        if (!repos.outbox.mark_notice_sent("membership_expiring", told, now)) return;
        const Recipient recipient{candidate.channel == "email" ? candidate.email : "",
                                  candidate.channel == "sms" ? candidate.mobile : ""};
        if (enqueue_message(repos, now, recipient, "membership_expiring", candidate.language,
                            {{"name", candidate.name}, {"date", format_iso_date(candidate.expires_on)}}))
          ++queued;
      });
    }
    if (static_cast<int>(candidates.size()) < policy.batch) break;
  }
  return queued;
}

}  // namespace shelfmark::app
