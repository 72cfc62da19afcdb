// Library notices: service arrangements, special opening hours, closures. A notice is published from a
// time, may expire, applies to all libraries or to some, and when marked important shows as a banner on
// every page while it is published.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"
#include "domain/library.h"

namespace shelfmark::domain {

struct Notice {
  long long id = 0;
  Localized title;
  Localized body;  // plain text; a blank line separates paragraphs
  bool important = false;
  std::vector<long long> library_ids;  // empty: the whole network
  Instant publish_at;
  std::optional<Instant> expire_at;
  Instant updated_at;
  long long version = 1;
};

enum class NoticeState { kScheduled, kPublished, kExpired };
NoticeState notice_state(const Notice& notice, Instant now);
bool applies_to_library(const Notice& notice, long long library_id);
bool shows_as_banner(const Notice& notice, Instant now);

// What staff typed into the notice form (times in the library's local time).
struct NoticeInput {
  std::string title_en, title_tc, body_en, body_tc;
  bool important = false;
  std::vector<std::string> library_codes;  // empty: the whole network
  std::string publish_at;                  // "2026-03-05T09:30"; empty: now
  std::string expire_at;                   // empty: never
};

struct NoticeDraft {
  Localized title;
  Localized body;
  bool important = false;
  std::vector<std::string> library_codes;
  std::optional<LocalDateTime> publish_at;  // nullopt: now
  std::optional<LocalDateTime> expire_at;
};

inline constexpr std::size_t kNoticeTitleMax = 200;
inline constexpr std::size_t kNoticeBodyMax = 10000;

// Checks the form; the caller resolves library codes and converts the times with the library's time zone.
Outcome<NoticeDraft> validate_notice(const NoticeInput& input);
// Checked after time zone conversion.
[[nodiscard]] std::optional<FieldError> check_notice_window(Instant publish_at,
                                                            const std::optional<Instant>& expire_at);

// Paragraphs of a notice body (split on blank lines).
std::vector<std::string> paragraphs(const std::string& body);

}  // namespace shelfmark::domain
