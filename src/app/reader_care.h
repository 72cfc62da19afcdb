// Looking after a reader (staff with Permission::kEditReaders: administrators and counter staff): editing
// their details (audited field by field, a reason for a verified reader's name or date of birth, the reader
// told on the old and the new channel when email or mobile changes), renewing the membership, blocks with an
// optional last day, internal notes and notes to the reader, a PIN the reader types at the counter, and a
// password-reset link sent to the reader (staff never see the link, and never see or set a password).
// Every change is version-checked where a form carries the reader as it was (kEditConflict) and audited with
// the subject "reader:ID", never personal data in the subject.
//
// The reads at the end (blocks, notes, guarantor, status history) take no actor: the page that calls them
// (the reader record, the counter, these pages) has checked access in the route table already.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "app/reader_account.h"
#include "app/reader_care_ports.h"

namespace shelfmark::app {

// The reader by card number, for the pages of this group. kPermissionDenied, kNotFound.
domain::Outcome<ReaderProfile> reader_for_care(const Context& context, const Actor& actor,
                                               const std::string& card_number);
// Whether the reader's identity was checked (an HKID on record and not pending): their name and date of
// birth change only with a reason.
bool identity_verified(const ReaderProfile& profile);
// A block staff have not lifted whose dates include `today` (domain::block_active).
bool block_in_force(const BlockRecord& record, Date today);

struct DetailsEdit {
  domain::ReaderDetailsForm form;
  std::string reason;  // required when a verified reader's name or date of birth changes
};
// Field errors name the form's fields ("reason" for a missing reason); kEditConflict when the reader changed
// since `expected_version`. Audited as reader.update with "field: old -> new" for each changed field.
domain::Outcome<ReaderProfile> edit_reader_details(const Context& context, const Actor& actor,
                                                   const std::string& card_number, long long expected_version,
                                                   const DetailsEdit& edit);

// The card runs on by the category's period (domain::renewed_expiry); an expired account becomes active again
// (recorded in the status history). A pending account (registration not finished) is refused.
domain::Outcome<ReaderProfile> renew_membership(const Context& context, const Actor& actor,
                                                const std::string& card_number, long long expected_version);

struct BlockInput {
  std::string reason;   // a domain::BlockReason code
  std::string note;     // optional free text for staff
  std::string ends_on;  // optional last day, YYYY-MM-DD
};
domain::Outcome<BlockRecord> block_reader(const Context& context, const Actor& actor, const std::string& card_number,
                                          const BlockInput& input);
// kNotFound when the reader has no such block still in force by staff's say (lifted already).
domain::Outcome<domain::Done> lift_block(const Context& context, const Actor& actor, const std::string& card_number,
                                         long long block_id);

// `kind`: "internal" (staff only) or "to_reader" (shown at the reader's next sign-in and at the counter until
// acknowledged). The text is 1 to 1000 characters.
domain::Outcome<NoteRecord> add_note(const Context& context, const Actor& actor, const std::string& card_number,
                                     const std::string& kind, const std::string& body);
// Staff at the counter, once the reader has been told.
domain::Outcome<domain::Done> acknowledge_note(const Context& context, const Actor& actor,
                                               const std::string& card_number, long long note_id);
// The reader in My Account.
domain::Outcome<domain::Done> acknowledge_own_note(const Context& context, long long reader_id, long long note_id);

// The reader types a new PIN twice on the counter's keypad (staff never see it): 4 to 8 digits, the rule of
// terminals (set_reader_pin). Only its hash is stored; audited as reader.pin_set without the PIN.
domain::Outcome<domain::Done> set_pin_in_person(const Context& context, const Actor& actor,
                                                const std::string& card_number, const std::string& pin,
                                                const std::string& repeated);

// Queues the reader's password-reset email, as "forgot your password" does (the link is made when the email is
// sent, so no one, staff included, ever sees it). kNoEmailForReset when the reader has no email address.
domain::Outcome<domain::Done> send_password_reset(const Context& context, const Actor& actor,
                                                  const std::string& card_number,
                                                  const PasswordResetPolicy& policy = {});

// ----- reads for the record page, the counter and My Account -----
std::vector<BlockRecord> reader_blocks(const Context& context, long long reader_id);  // newest first
std::vector<NoteRecord> reader_notes(const Context& context, long long reader_id);    // newest first
// Notes to the reader not yet acknowledged, oldest first (the counter and My Account show these).
std::vector<NoteRecord> notes_to_acknowledge(const Context& context, long long reader_id);
std::optional<Guarantor> reader_guarantor(const Context& context, long long reader_id);
std::vector<StatusChange> reader_status_history(const Context& context, long long reader_id);  // oldest first

// The job: readers whose card expires within `days_before` days (from today) are told once per expiry date,
// in their language, through the channel they chose. Returns how many were queued.
struct ExpiryReminderPolicy {
  int days_before = 30;
  int batch = 500;
};
int membership_expiry_reminders(const Context& context, const ExpiryReminderPolicy& policy = {});

}  // namespace shelfmark::app
