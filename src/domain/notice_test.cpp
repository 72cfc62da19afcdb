#include "domain/notice.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

Instant t(long long s) { return instant_from_unix(s); }

TEST(Notice, StateFollowsPublicationWindow) {
  Notice notice;
  notice.publish_at = t(1000);
  notice.expire_at = t(2000);
  EXPECT_EQ(notice_state(notice, t(999)), NoticeState::kScheduled);
  EXPECT_EQ(notice_state(notice, t(1000)), NoticeState::kPublished);
  EXPECT_EQ(notice_state(notice, t(1999)), NoticeState::kPublished);
  EXPECT_EQ(notice_state(notice, t(2000)), NoticeState::kExpired);
  notice.expire_at.reset();
  EXPECT_EQ(notice_state(notice, t(1'000'000'000)), NoticeState::kPublished);
}

TEST(Notice, BannerOnlyWhenImportantAndPublished) {
  Notice notice;
  notice.publish_at = t(1000);
  notice.expire_at = t(2000);
  EXPECT_FALSE(shows_as_banner(notice, t(1500)));
  notice.important = true;
  EXPECT_TRUE(shows_as_banner(notice, t(1500)));
  EXPECT_FALSE(shows_as_banner(notice, t(500)));
  EXPECT_FALSE(shows_as_banner(notice, t(2500)));
}

TEST(Notice, AppliesToAllOrListedLibraries) {
  Notice notice;
  EXPECT_TRUE(applies_to_library(notice, 7));
  notice.library_ids = {3, 4};
  EXPECT_TRUE(applies_to_library(notice, 4));
  EXPECT_FALSE(applies_to_library(notice, 7));
}

TEST(Notice, ValidatesInput) {
  NoticeInput input{"Overdue fines resume",
                    "恢復計算逾期罰款",
                    "From 5 March.\r\n\r\nDetails.",
                    "由3月5日起。",
                    true,
                    {"CL", " CL ", "KPL"},
                    "2026-03-01T09:00",
                    "2026-04-01T00:00"};
  auto draft = validate_notice(input);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->body.en, "From 5 March.\n\nDetails.");
  EXPECT_EQ(draft->library_codes, (std::vector<std::string>{"CL", "KPL"}));
  EXPECT_TRUE(draft->publish_at);

  input.expire_at = "2026-02-01T00:00";
  auto refused = validate_notice(input);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).code, ErrorCode::kExpiryNotAfterPublication);

  NoticeInput empty;
  empty.publish_at = "tomorrow";
  refused = validate_notice(empty);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.size(), 5u);  // four texts and the date
}

TEST(Notice, WindowCheckAfterConversion) {
  EXPECT_FALSE(check_notice_window(t(10), std::nullopt));
  EXPECT_TRUE(check_notice_window(t(10), t(10)));
}

TEST(Notice, SplitsParagraphsOnBlankLines) {
  EXPECT_EQ(paragraphs("a\nb\n\n\nc\n"), (std::vector<std::string>{"a\nb", "c"}));
  EXPECT_TRUE(paragraphs("  \n").empty());
}

}  // namespace
}  // namespace shelfmark::domain
