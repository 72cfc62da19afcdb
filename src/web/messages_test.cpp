#include "web/messages.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace shelfmark::web {
namespace {

// Every kind of message has a text in both languages, with every placeholder filled.
TEST(Messages, EveryKindIsComposedInBothLanguagesWithNothingLeftUnfilled) {
  Translator translator;
  TranslatedMessages composer(translator, "https://library.example.hk");
  const std::map<std::string, std::string> values{{"reference", "R7K4M-9Q2T"},
                                                  {"name", "CHAN, Tai Man"},
                                                  {"type", "library_card"},
                                                  {"active", "no"},
                                                  {"library_name", "Central"},
                                                  {"reason", "details_do_not_match"},
                                                  {"card", "2100000001"},
                                                  {"token", "abc"},
                                                  {"minutes", "30"},
                                                  {"title", "Book"},
                                                  {"date", "2026-11-25"},
                                                  {"library", "Central"},
                                                  {"activity", "7"},
                                                  {"title_en", "Bookbinding"},
                                                  {"title_tc", "書籍裝訂"},
                                                  {"venue_en", "Room 1"},
                                                  {"library_tc", "中央圖書館"},
                                                  {"starts", "2026-12-05T14:30"},
                                                  {"position", "2"}};
  for (const char* kind :
       {"registration_received", "registration_approved", "registration_rejected", "registration_completed",
        "registration_expired", "registration_duplicate", "password_reset", "password_changed", "contact_changed",
        "reservation_ready", "reservation_expiring", "due_soon", "overdue", "activity_enrolled", "activity_waitlisted",
        "activity_place_offered", "activity_cancelled", "activity_changed"}) {
    for (auto language : {domain::Language::kEnglish, domain::Language::kTraditionalChinese}) {
      app::OutboundMessage message;
      message.kind = kind;
      message.language = language;
      message.params = encode_fields(values);
      const auto composed = composer.compose(message);
      ASSERT_TRUE(composed) << kind;
      EXPECT_FALSE(composed->subject.empty()) << kind;
      EXPECT_EQ(composed->subject.find('{'), std::string::npos) << kind << ": " << composed->subject;
      EXPECT_EQ(composed->body.find('{'), std::string::npos) << kind << ": " << composed->body;
      if (language == domain::Language::kTraditionalChinese)
        EXPECT_NE(composed->body.find("香港公共圖書館"), std::string::npos) << kind;
    }
  }
  app::OutboundMessage unknown;
  unknown.kind = "no_such_kind";
  EXPECT_FALSE(composer.compose(unknown));
}

TEST(Messages, AnActivityMessageIsInTheReadersLanguageWithTheOtherAsFallback) {
  Translator translator;
  TranslatedMessages composer(translator, "https://library.example.hk");
  app::OutboundMessage message;
  message.kind = "activity_place_offered";
  message.language = domain::Language::kTraditionalChinese;
  message.params = encode_fields({{"activity", "7"},
                                  {"title_en", "Bookbinding"},
                                  {"title_tc", "書籍裝訂"},
                                  {"venue_en", "Activity Room"},
                                  {"library_en", "Central Library"},
                                  {"library_tc", "中央圖書館"},
                                  {"starts", "2026-12-05T14:30"}});
  const auto zh = composer.compose(message);
  EXPECT_NE(zh->subject.find("書籍裝訂"), std::string::npos) << zh->subject;
  EXPECT_NE(zh->body.find("中央圖書館, Activity Room"), std::string::npos) << zh->body;  // no Chinese venue given
  EXPECT_NE(zh->body.find("https://library.example.hk/tc/activities/7"), std::string::npos);
  message.language = domain::Language::kEnglish;
  const auto en = composer.compose(message);
  EXPECT_NE(en->subject.find("Bookbinding"), std::string::npos);
  EXPECT_NE(en->body.find("Central Library, Activity Room"), std::string::npos) << en->body;
}

TEST(Messages, AResetLinkCarriesTheTokenAndTheLanguage) {
  Translator translator;
  TranslatedMessages composer(translator, "https://library.example.hk");
  app::OutboundMessage message;
  message.kind = "password_reset";
  message.language = domain::Language::kTraditionalChinese;
  message.params = encode_fields({{"token", "TOKEN123"}, {"minutes", "30"}});
  EXPECT_NE(composer.compose(message)->body.find("https://library.example.hk/tc/login/reset?token=TOKEN123"),
            std::string::npos);
}

// Ask a Librarian's acknowledgement and reply, in both languages; the reply is passed on as written, even
// with braces in it.
TEST(Messages, EnquiryAcknowledgementAndReplyInBothLanguages) {
  Translator translator;
  TranslatedMessages composer(translator, "https://library.example.hk");
  for (auto language : {domain::Language::kEnglish, domain::Language::kTraditionalChinese}) {
    for (const char* kind : {"enquiry_received", "enquiry_reply"}) {
      for (const char* reader : {"yes", "no"}) {
        app::OutboundMessage message;
        message.kind = kind;
        message.language = language;
        message.params = encode_fields({{"reference", "Q7K4M-9Q2T"},
                                        {"subject", "hong_kong_studies"},
                                        {"hours", "72"},
                                        {"reader", reader},
                                        {"reply", "See {the} map room."}});
        const auto composed = composer.compose(message);
        ASSERT_TRUE(composed) << kind;
        EXPECT_NE(composed->subject.find("Q7K4M-9Q2T"), std::string::npos) << kind;
        const std::string rest = std::string(kind) == "enquiry_reply"
                                     ? composed->body.substr(composed->body.find("See {the} map room.") + 19)
                                     : composed->body;
        EXPECT_EQ(rest.find('{'), std::string::npos) << kind << ": " << composed->body;
        if (std::string(kind) == "enquiry_received") {
          EXPECT_NE(composed->body.find(language == domain::Language::kEnglish ? "Hong Kong studies" : "香港研究"),
                    std::string::npos)
              << composed->body;
        } else {
          EXPECT_NE(composed->body.find(std::string(reader) == "yes" ? "/account/enquiries" : "/ask"),
                    std::string::npos);
        }
      }
    }
  }
}

}  // namespace
}  // namespace shelfmark::web
