#include "web/i18n.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "domain/activity.h"
#include "domain/registration.h"
#include "domain/staff.h"

namespace shelfmark::web {
namespace {

using domain::Language;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every English text a reader can see, found the same way as scripts/extract-messages.py finds them.
std::vector<std::string> every_msgid() {
  const std::filesystem::path root = SHELFMARK_SOURCE_DIR;
  std::vector<std::string> ids;
  const std::regex in_template(R"(\{\{#t\}\}([\s\S]*?)\{\{/t\}\})");
  for (const auto& entry : std::filesystem::directory_iterator(root / "templates")) {
    const auto text = read(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), in_template), end; it != end; ++it) ids.push_back((*it)[1]);
  }
  // A msgid may be split over several adjacent literals ("first part " "second part"): joined, as C++ does.
  const std::regex in_code(
      R"re((?:\bt|\btf|\bN_)\((?:[a-z_.]*lang,\s*)?"((?:[^"\\]|\\.)*)"((?:\s*"(?:[^"\\]|\\.)*")*))re");
  const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
  const auto joined = [&](const std::smatch& match) {
    std::string id = match[1];
    const std::string rest = match[2];
    for (std::sregex_iterator it(rest.begin(), rest.end(), literal), end; it != end; ++it) id += (*it)[1];
    return id;
  };
  // The SIP2 screen messages are translated with the same catalogue.
  for (const auto* dir : {"web", "sip2"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root / "src" / dir)) {
      if (entry.path().extension() != ".cpp" || entry.path().string().find("_test") != std::string::npos) continue;
      const auto text = read(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), in_code), end; it != end; ++it) ids.push_back(joined(*it));
    }
  }
  for (const auto& info : domain::all_errors()) ids.emplace_back(info.message);
  for (auto reason : domain::all_rejection_reasons()) ids.emplace_back(domain::rejection_reason_label(reason));
  for (auto kind : {domain::DocumentKind::kIdentity, domain::DocumentKind::kAddress})
    ids.emplace_back(domain::document_kind_label(kind));
  for (auto district : domain::all_districts()) ids.emplace_back(domain::district_label(district));
  for (auto kind : domain::kAllLibraryKinds) ids.emplace_back(domain::library_kind_label(kind));
  for (auto facility : domain::all_facilities()) ids.emplace_back(domain::facility_label(facility));
  for (auto role : {domain::Role::kAdministrator, domain::Role::kEditor, domain::Role::kCounter,
                    domain::Role::kVerifier, domain::Role::kCataloguer, domain::Role::kReference})
    ids.emplace_back(domain::role_label(role));
  for (auto type : domain::kAllActivityTypes) ids.emplace_back(domain::activity_type_label(type));
  for (auto audience : domain::kAllActivityAudiences) ids.emplace_back(domain::activity_audience_label(audience));
  for (auto language : domain::kAllDeliveryLanguages) ids.emplace_back(domain::delivery_language_label(language));
  for (auto status :
       {domain::ActivityStatus::kDraft, domain::ActivityStatus::kPublished, domain::ActivityStatus::kCancelled})
    ids.emplace_back(domain::activity_status_label(status));
  for (auto status :
       {domain::EnrolmentStatus::kConfirmed, domain::EnrolmentStatus::kWaitlisted, domain::EnrolmentStatus::kCancelled})
    ids.emplace_back(domain::enrolment_status_label(status));
  return ids;
}

TEST(I18n, EveryTextIsTranslated) {
  Translator translator;
  std::vector<std::string> missing;
  const auto ids = every_msgid();
  ASSERT_GT(ids.size(), 150u);
  for (const auto& id : ids)
    if (translator.translate(Language::kTraditionalChinese, id) == id) missing.push_back(id);
  EXPECT_TRUE(missing.empty()) << missing.size() << " untranslated, first: " << missing.front()
                               << "\nRun python3 scripts/extract-messages.py and translate po/zh_HK.po.";
}

TEST(I18n, TranslationsKeepTheirPlaceholders) {
  Translator translator;
  const std::regex placeholder(R"(\{\{?[a-z_]+\}\}?)");
  for (const auto& id : every_msgid()) {
    const auto translated = translator.translate(Language::kTraditionalChinese, id);
    std::multiset<std::string> expected, actual;
    for (std::sregex_iterator it(id.begin(), id.end(), placeholder), end; it != end; ++it) expected.insert(it->str());
    for (std::sregex_iterator it(translated.begin(), translated.end(), placeholder), end; it != end; ++it)
      actual.insert(it->str());
    EXPECT_EQ(expected, actual) << id;
  }
}

TEST(I18n, EnglishIsTheSourceAndPlaceholdersAreFilled) {
  Translator translator;
  EXPECT_EQ(translator.translate(Language::kEnglish, "Libraries"), "Libraries");
  EXPECT_EQ(translator.translate(Language::kTraditionalChinese, "Libraries"), "圖書館");
  EXPECT_EQ(translator.format(Language::kEnglish, "Open now, until {time}", {{"time", "20:00"}}),
            "Open now, until 20:00");
  EXPECT_EQ(translator.error_message(Language::kEnglish, {"title_en", domain::ErrorCode::kTooLong, {{"max", "200"}}}),
            "This is too long: at most 200 characters.");
}

TEST(I18n, FormatsDatesPerLanguage) {
  Translator translator;
  const auto date = *parse_iso_date("2026-11-23");
  EXPECT_EQ(format_date(translator, Language::kEnglish, date), "Monday 23 November 2026");
  EXPECT_EQ(format_date(translator, Language::kTraditionalChinese, date), "2026年11月23日（星期一）");
  EXPECT_EQ(format_date(translator, Language::kEnglish, date, false), "23 November 2026");
  EXPECT_EQ(format_date_time(translator, Language::kTraditionalChinese, {date, 570}), "2026年11月23日 09:30");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(12), "12");
}

}  // namespace
}  // namespace shelfmark::web
