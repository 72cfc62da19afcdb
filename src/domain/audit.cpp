#include "domain/audit.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"

namespace shelfmark::domain {
namespace {

constexpr std::size_t kMaxFilterLength = 100;

bool is_action_text(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

bool is_view_action(std::string_view action) {
  constexpr std::string_view kSuffix = ".view";
  return action.size() > kSuffix.size() && action.substr(action.size() - kSuffix.size()) == kSuffix;
}

const std::vector<std::string_view>& known_audit_actions() {
  static const std::vector<std::string_view> kActions = {
      "reader.view",  "registration.view", "document.view",      "audit.export", "reader.",      "registration.",
      "staff.",       "staff.login",       "staff.login_failed", "staff.create", "staff.update", "staff.disable",
      "staff.enable", "notice.",           "library.",           "policy.",      "activity.",    "enquiry.",
      "faq.",         "study_room.",       "catalogue.",         "sip.",         "message.",
  };
  return kActions;
}

std::pair<AuditFilter, std::vector<FieldError>> check_audit_filter(const AuditFilterText& text) {
  std::vector<FieldError> errors;
  AuditFilter filter;
  auto take = [&](const std::string& field, const std::string& typed, std::string& into) {
    into = std::string(trim(typed));
    if (!is_valid_utf8(into)) {
      errors.push_back({field, ErrorCode::kInvalidText, {}});
      return false;
    }
    if (utf8_length(into) > kMaxFilterLength) {
      errors.push_back({field, ErrorCode::kTooLong, {{"max", std::to_string(kMaxFilterLength)}}});
      return false;
    }
    return true;
  };
  take("staff", text.staff, filter.staff);
  take("card", text.card, filter.card);
  if (take("action", text.action, filter.action) && !filter.action.empty() &&
      (!is_action_text(filter.action) || filter.action.front() == '.'))
    errors.push_back({"action", ErrorCode::kInvalidChoice, {}});
  if (take("subject", text.subject, filter.subject) && !filter.subject.empty() &&
      filter.subject.find(':') == std::string::npos)
    errors.push_back({"subject", ErrorCode::kAuditSubjectInvalid, {}});
  auto date = [&](const std::string& field, const std::string& typed, std::optional<Date>& into) {
    const auto trimmed = trim(typed);
    if (trimmed.empty()) return;
    into = parse_iso_date(trimmed);
    if (!into) errors.push_back({field, ErrorCode::kInvalidDate, {}});
  };
  date("from", text.from, filter.from);
  date("to", text.to, filter.to);
  if (filter.from && filter.to && *filter.to < *filter.from) errors.push_back({"to", ErrorCode::kDateRangeInvalid, {}});
  return {std::move(filter), std::move(errors)};
}

std::string audit_cursor(Instant at, long long id) {
  return std::to_string(unix_seconds(at)) + "-" + std::to_string(id);
}

std::optional<std::pair<Instant, long long>> parse_audit_cursor(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto at = parse_number(text.substr(0, dash));
  const auto id = parse_number(text.substr(dash + 1));
  if (!at || !id) return std::nullopt;
  return std::make_pair(instant_from_unix(*at), *id);
}

}  // namespace shelfmark::domain
