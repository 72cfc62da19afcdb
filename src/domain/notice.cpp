#include "domain/notice.h"

#include <algorithm>

#include "core/text.h"

namespace shelfmark::domain {

NoticeState notice_state(const Notice& notice, Instant now) {
  if (now < notice.publish_at) return NoticeState::kScheduled;
  if (notice.expire_at && *notice.expire_at <= now) return NoticeState::kExpired;
  return NoticeState::kPublished;
}

bool applies_to_library(const Notice& notice, long long library_id) {
  return notice.library_ids.empty() ||
         std::find(notice.library_ids.begin(), notice.library_ids.end(), library_id) != notice.library_ids.end();
}

bool shows_as_banner(const Notice& notice, Instant now) {
  return notice.important && notice_state(notice, now) == NoticeState::kPublished;
}

Outcome<NoticeDraft> validate_notice(const NoticeInput& input) {
  std::vector<FieldError> errors;
  check_text(errors, "title_en", input.title_en, kNoticeTitleMax, true);
  check_text(errors, "title_tc", input.title_tc, kNoticeTitleMax, true);
  check_text(errors, "body_en", input.body_en, kNoticeBodyMax, true);
  check_text(errors, "body_tc", input.body_tc, kNoticeBodyMax, true);
  NoticeDraft draft;
  if (!trim(input.publish_at).empty()) {
    draft.publish_at = parse_local_date_time(trim(input.publish_at));
    if (!draft.publish_at) errors.push_back({"publish_at", ErrorCode::kInvalidDate, {}});
  }
  if (!trim(input.expire_at).empty()) {
    draft.expire_at = parse_local_date_time(trim(input.expire_at));
    if (!draft.expire_at) errors.push_back({"expire_at", ErrorCode::kInvalidDate, {}});
  }
  if (draft.publish_at && draft.expire_at && *draft.expire_at <= *draft.publish_at)
    errors.push_back({"expire_at", ErrorCode::kExpiryNotAfterPublication, {}});
  if (!errors.empty()) return invalid(std::move(errors));
  draft.title = {clean_single_line_text(input.title_en), clean_single_line_text(input.title_tc)};
  draft.body = {clean_multiline_text(input.body_en), clean_multiline_text(input.body_tc)};
  draft.important = input.important;
  for (const auto& code : input.library_codes) {
    const auto trimmed = std::string(trim(code));
    if (!trimmed.empty() &&
        std::find(draft.library_codes.begin(), draft.library_codes.end(), trimmed) == draft.library_codes.end())
      draft.library_codes.push_back(trimmed);
  }
  return draft;
}

std::optional<FieldError> check_notice_window(Instant publish_at, const std::optional<Instant>& expire_at) {
  if (expire_at && *expire_at <= publish_at) return FieldError{"expire_at", ErrorCode::kExpiryNotAfterPublication, {}};
  return std::nullopt;
}

std::vector<std::string> paragraphs(const std::string& body) {
  std::vector<std::string> result;
  std::string current;
  for (auto line : split(body, '\n')) {
    if (trim(line).empty()) {
      if (!current.empty()) result.push_back(std::move(current));
      current.clear();
    } else {
      if (!current.empty()) current += '\n';
      current += std::string(line);
    }
  }
  if (!current.empty()) result.push_back(std::move(current));
  return result;
}

}  // namespace shelfmark::domain
