// Looking after a reader (staff, Permission::kEditReaders): blocks staff put on an account, which join the one
// standing (circulation.h) and lift themselves by date; how long a renewed membership runs; and the checks of
// a staff edit of a reader's details, reusing registration's checks. Pure: the caller passes today's date.
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

// Why staff blocked an account. Each has its own refusal (errors.h), which says what to do.
enum class BlockReason { kUnpaidReplacement, kMisconduct, kDamagedItems, kOther };
std::string_view block_reason_code(BlockReason reason);   // "unpaid_replacement", "misconduct", ...
std::string_view block_reason_label(BlockReason reason);  // English, a gettext msgid
std::optional<BlockReason> parse_block_reason(std::string_view code);
const std::vector<BlockReason>& all_block_reasons();
ErrorCode block_refusal(BlockReason reason);

// A block not lifted by staff. It applies from its first day through its last day inclusive (ends_on), and
// not at all from the day after: it lifts itself by the date alone, with no job (ADR 0021).
struct ReaderBlock {
  long long id = 0;
  BlockReason reason = BlockReason::kOther;
  Date starts_on;
  std::optional<Date> ends_on;  // none: until staff lift it
};
bool block_active(const ReaderBlock& block, Date today);

// A new block's dates: the first day is today, the optional last day not before it (kBlockEndInPast on
// "ends_on"; kInvalidDate for text that is not a date).
[[nodiscard]] std::optional<FieldError> check_block_end(std::string_view ends_on, Date today, std::optional<Date>& out);

// Membership renewal (ADR 0021): a temporary card runs one year, every other card three years, counted from
// today. A card renewed before it expires never loses days: the later of its current expiry and the new one.
int membership_years(ReaderCategory category);
Date renewed_expiry(ReaderCategory category, std::optional<Date> current_expiry, Date today);
// `years` whole years after `day`; 29 February becomes 28 February in a year that has none.
Date add_years(Date day, int years);

// A reader's details as staff edit them, as typed.
struct ReaderDetailsForm {
  std::string name_en;
  std::string name_zh;
  std::string date_of_birth;  // YYYY-MM-DD, or empty when none is known (temporary cards)
  std::string email;
  std::string mobile;
  std::string address;
  std::string language;  // "en", "tc"
  std::string channel;   // "email", "sms", "none"
};
// The same once valid, in normal forms.
struct ReaderDetails {
  std::string name_en;
  std::string name_zh;
  std::optional<Date> date_of_birth;
  std::string email;
  std::string mobile;
  std::string address;
  Language language = Language::kEnglish;
  std::string channel = "email";
  friend bool operator==(const ReaderDetails&, const ReaderDetails&) = default;
};
// The checks of registration (names, date of birth, email, Hong Kong mobile, address, language), plus the
// channel: a channel staff choose needs its contact detail (kChannelNeedsContact). The reader's current
// channel left as it was but without its contact (the contact was removed, or never given) becomes the
// channel that can still reach the reader, as in My Setting: no channel rather than one that fails. A date of
// birth once known cannot be removed.
Outcome<ReaderDetails> validate_reader_details(const ReaderDetailsForm& form, bool had_date_of_birth,
                                               std::string_view current_channel, Date today);

struct FieldChange {
  std::string field;  // "name_en", "email", ...
  std::string before;
  std::string after;
};
std::vector<FieldChange> changed_fields(const ReaderDetails& before, const ReaderDetails& after);
// A reader whose identity has been checked (an HKID on record, not pending) keeps their name and date of birth
// unless staff say why they change.
bool needs_reason(const std::vector<FieldChange>& changes, bool verified);
// Whether email or mobile changed (the reader is told on the old and the new channel).
bool contact_changed(const std::vector<FieldChange>& changes);
// The audit detail: "email: a@x.hk -> b@x.hk; language: en -> tc", empty values shown as "(none)".
std::string change_detail(const std::vector<FieldChange>& changes);

}  // namespace shelfmark::domain
