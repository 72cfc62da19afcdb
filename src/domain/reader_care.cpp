#include "domain/reader_care.h"

#include <algorithm>

#include "core/text.h"
#include "domain/registration.h"

namespace shelfmark::domain {

namespace {

struct BlockReasonInfo {
  BlockReason reason;
  std::string_view code;
  std::string_view label;  // English, a gettext msgid
};
const std::vector<BlockReasonInfo>& block_reasons() {
  static const std::vector<BlockReasonInfo> kReasons{
      {BlockReason::kUnpaidReplacement, "unpaid_replacement", "Unpaid replacement"},
      {BlockReason::kMisconduct, "misconduct", "Misconduct in library"},
      {BlockReason::kDamagedItems, "damaged_items", "Damaged items"},
      {BlockReason::kOther, "other", "Other reason"},
  };
  return kReasons;
}
const BlockReasonInfo& info(BlockReason reason) {
  for (const auto& entry : block_reasons())
    if (entry.reason == reason) return entry;
  return block_reasons().back();
}

}  // namespace

std::string_view block_reason_code(BlockReason reason) { return info(reason).code; }
std::string_view block_reason_label(BlockReason reason) { return info(reason).label; }

const std::vector<BlockReason>& all_block_reasons() {
  static const std::vector<BlockReason> kReasons = [] {
    std::vector<BlockReason> out;
    for (const auto& entry : block_reasons()) out.push_back(entry.reason);
    return out;
  }();
  return kReasons;
}

std::optional<BlockReason> parse_block_reason(std::string_view code) {
  for (const auto& entry : block_reasons())
    if (entry.code == code) return entry.reason;
  return std::nullopt;
}

ErrorCode block_refusal(BlockReason reason) {
  switch (reason) {
    case BlockReason::kUnpaidReplacement:
      return ErrorCode::kBlockedUnpaidReplacement;
    case BlockReason::kMisconduct:
      return ErrorCode::kBlockedMisconduct;
    case BlockReason::kDamagedItems:
      return ErrorCode::kBlockedDamagedItems;
    case BlockReason::kOther:
      return ErrorCode::kBlockedOther;
  }
  return ErrorCode::kBlockedOther;
}

bool block_active(const ReaderBlock& block, Date today) {
  return block.starts_on <= today && (!block.ends_on || today <= *block.ends_on);
}

std::optional<FieldError> check_block_end(std::string_view ends_on, Date today, std::optional<Date>& out) {
  out.reset();
  const auto text = trim(ends_on);
  if (text.empty()) return std::nullopt;
  const auto day = parse_iso_date(text);
  if (!day) return FieldError{"ends_on", ErrorCode::kInvalidDate, {}};
  if (*day < today) return FieldError{"ends_on", ErrorCode::kBlockEndInPast, {}};
  out = *day;
  return std::nullopt;
}

int membership_years(ReaderCategory category) { return category == ReaderCategory::kTemporary ? 1 : 3; }

Date add_years(Date day, int years) {
  const std::chrono::year_month_day ymd(day);
  auto moved = std::chrono::year_month_day(ymd.year() + std::chrono::years(years), ymd.month(), ymd.day());
  if (!moved.ok()) moved = std::chrono::year_month_day(moved.year() / moved.month() / std::chrono::last);
  return Date(moved);
}

Date renewed_expiry(ReaderCategory category, std::optional<Date> current_expiry, Date today) {
  const auto renewed = add_years(today, membership_years(category));
  return current_expiry ? std::max(*current_expiry, renewed) : renewed;
}

Outcome<ReaderDetails> validate_reader_details(const ReaderDetailsForm& form, bool had_date_of_birth,
                                               std::string_view current_channel, Date today) {
  std::vector<FieldError> errors;
  ReaderDetails details;
  check_text(errors, "name_en", form.name_en, 100, true);
  details.name_en = clean_single_line_text(form.name_en);
  check_text(errors, "name_zh", form.name_zh, 20, false);
  details.name_zh = clean_single_line_text(form.name_zh);

  const auto dob_text = trim(form.date_of_birth);
  if (dob_text.empty()) {
    if (had_date_of_birth) errors.push_back({"date_of_birth", ErrorCode::kRequired, {}});
  } else if (const auto born = parse_iso_date(dob_text); !born || *born > today || age_on(*born, today) > 130) {
    errors.push_back({"date_of_birth", ErrorCode::kDateOfBirthInvalid, {}});
  } else {
    details.date_of_birth = *born;
  }

  if (!trim(form.email).empty()) {
    if (auto email = normalise_email(form.email))
      details.email = *email;
    else
      errors.push_back({"email", ErrorCode::kEmailInvalid, {}});
  }
  if (!trim(form.mobile).empty()) {
    if (auto mobile = normalise_hk_mobile(form.mobile))
      details.mobile = *mobile;
    else
      errors.push_back({"mobile", ErrorCode::kMobileInvalid, {}});
  }
  check_text(errors, "address", form.address, 300, false);
  details.address = clean_multiline_text(trim(form.address));

  if (auto language = parse_language_code(form.language))
    details.language = *language;
  else
    errors.push_back({"language", ErrorCode::kInvalidChoice, {}});

  if (form.channel != "email" && form.channel != "sms" && form.channel != "none") {
    errors.push_back({"channel", ErrorCode::kInvalidChoice, {}});
  } else {
    details.channel = form.channel;
    const bool email_missing = form.channel == "email" && trim(form.email).empty();
    const bool mobile_missing = form.channel == "sms" && trim(form.mobile).empty();
    if ((email_missing || mobile_missing) && form.channel != current_channel)
      errors.push_back({"channel", ErrorCode::kChannelNeedsContact, {}});
    else if (email_missing || mobile_missing)
      details.channel = !trim(form.email).empty() ? "email" : !trim(form.mobile).empty() ? "sms" : "none";
  }
  if (!errors.empty()) return invalid(std::move(errors));
  return details;
}

std::vector<FieldChange> changed_fields(const ReaderDetails& before, const ReaderDetails& after) {
  std::vector<FieldChange> changes;
  const auto compare = [&](const char* field, const std::string& old_value, const std::string& new_value) {
    if (old_value != new_value) changes.push_back({field, old_value, new_value});
  };
  const auto date = [](const std::optional<Date>& day) { return day ? format_iso_date(*day) : std::string(); };
  compare("name_en", before.name_en, after.name_en);
  compare("name_zh", before.name_zh, after.name_zh);
  compare("date_of_birth", date(before.date_of_birth), date(after.date_of_birth));
  compare("email", before.email, after.email);
  compare("mobile", before.mobile, after.mobile);
  compare("address", before.address, after.address);
  compare("language", std::string(language_code(before.language)), std::string(language_code(after.language)));
  compare("channel", before.channel, after.channel);
  return changes;
}

bool needs_reason(const std::vector<FieldChange>& changes, bool verified) {
  return verified && std::any_of(changes.begin(), changes.end(), [](const FieldChange& change) {
           return change.field == "name_en" || change.field == "name_zh" || change.field == "date_of_birth";
         });
}

bool contact_changed(const std::vector<FieldChange>& changes) {
  return std::any_of(changes.begin(), changes.end(),
                     [](const FieldChange& change) { return change.field == "email" || change.field == "mobile"; });
}

std::string change_detail(const std::vector<FieldChange>& changes) {
  std::string detail;
  const auto shown = [](const std::string& value) {
    return value.empty() ? std::string("(none)") : clean_single_line_text(value);
  };
  for (const auto& change : changes) {
    if (!detail.empty()) detail += "; ";
    detail += change.field + ": " + shown(change.before) + " -> " + shown(change.after);
  }
  return detail;
}

}  // namespace shelfmark::domain
