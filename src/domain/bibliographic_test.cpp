#include "domain/bibliographic.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

// A record from lines in the yaz-marcdump "line" style: "LDR <leader>", "001 value", "245 10 $a Title $c Someone".
MarcRecord record_of(std::initializer_list<std::string> lines) {
  MarcRecord record;
  record.leader = "00000nam a2200000 a 4500";
  for (const auto& line : lines) {
    const auto tag = line.substr(0, 3);
    if (tag == "LDR") {
      record.leader = line.substr(4);
      continue;
    }
    MarcField field;
    field.tag = tag;
    if (tag < "010") {
      field.value = line.substr(4);
    } else {
      field.ind1 = line[4];
      field.ind2 = line[5];
      std::size_t at = line.find(" $", 6);
      while (at != std::string::npos) {
        const auto next = line.find(" $", at + 2);
        auto value = line.substr(at + 3, next == std::string::npos ? std::string::npos : next - at - 3);
        if (!value.empty() && value.front() == ' ') value.erase(0, 1);
        field.subfields.push_back({line[at + 2], value});
        at = next;
      }
    }
    record.fields.push_back(std::move(field));
  }
  return record;
}

TEST(Bibliographic, FieldHelpers) {
  const auto record = record_of({"001 abc", "650  0 $a Cats $x Behavior", "650  0 $a Dogs"});
  ASSERT_NE(record.first("001"), nullptr);
  EXPECT_TRUE(record.first("001")->is_control());
  EXPECT_FALSE(record.first("650")->is_control());
  EXPECT_EQ(record.all("650").size(), 2u);
  EXPECT_EQ(record.first("650")->subfield('x'), "Behavior");
  EXPECT_EQ(record.first("650")->subfield('z'), "");
  EXPECT_EQ(record.first("245"), nullptr);
}

TEST(Bibliographic, CodesRoundTrip) {
  for (auto format : all_formats()) {
    EXPECT_EQ(parse_format(format_code(format)), format);
    EXPECT_FALSE(format_label(format).empty());
  }
  for (auto audience : {Audience::kAdult, Audience::kYoungAdult, Audience::kChildren, Audience::kUnknown})
    EXPECT_EQ(parse_audience(audience_code(audience)), audience);
  EXPECT_FALSE(parse_format("novel"));
}

TEST(Bibliographic, TrimsIsbdPunctuation) {
  const std::pair<std::string, std::string> cases[] = {
      {"A Christmas carol /", "A Christmas carol"},
      {"Amateur media :", "Amateur media"},
      {"Earthsea trilogy ;", "Earthsea trilogy"},
      {"Dickens, Charles,", "Dickens, Charles"},
      {"Miller's ceramic figures.", "Miller's ceramic figures"},
      {"Le Guin, Ursula K.,", "Le Guin, Ursula K."},
      {"Washington, D.C.", "Washington, D.C."},
      {"And so on...", "And so on..."},
      {"Parallel title =", "Parallel title"},
      {"Neuroprotection\xEF\xBC\x8F", "Neuroprotection"},  // full-width solidus
      {"北京 :", "北京"},
      {"  ", ""},
  };
  for (const auto& [input, expected] : cases) EXPECT_EQ(trim_isbd(input), expected) << input;
}

TEST(Bibliographic, NormalisesAndChecksIsbns) {
  struct Case {
    std::string typed, normalised;
    bool valid;
  };
  const Case cases[] = {
      {"0553268473 (pbk.) :", "0553268473", true},
      {"0-394-50288-4", "0394502884", true},
      {"184533213X (hbk.)", "184533213X", true},
      {"184533213x", "184533213X", true},
      {"9781845332136 (hbk.)", "9781845332136", true},
      {"978-1-84533-213-6", "9781845332136", true},
      {"9781845332137", "9781845332137", false},
      {"978184533213X", "978184533213", false},
      {"8901452100503", "8901452100503", false},  // an EAN, not an ISBN
      {"(0373197527pbk.) :", "", false},
      {"HL00361126 :", "", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normalise_isbn(c.typed), c.normalised) << c.typed;
    EXPECT_EQ(is_valid_isbn(c.normalised), c.valid) << c.typed;
  }
  EXPECT_EQ(isbn13_of("184533213X"), "9781845332136");
  EXPECT_EQ(isbn13_of("9781845332136"), "9781845332136");
  EXPECT_EQ(isbn13_of("0553268470"), "");
}

TEST(Bibliographic, ParsesLinkage) {
  auto linkage = parse_linkage("245-01/$1");
  ASSERT_TRUE(linkage);
  EXPECT_EQ(linkage->tag, "245");
  EXPECT_EQ(linkage->occurrence, "01");
  EXPECT_EQ(parse_linkage("880-02")->tag, "880");
  EXPECT_EQ(parse_linkage("700-00/$1")->occurrence, "00");
  EXPECT_FALSE(parse_linkage("24501"));
  EXPECT_FALSE(parse_linkage("abc-01"));
  EXPECT_FALSE(parse_linkage(""));
}

TEST(Bibliographic, ExtractsABookRecord) {
  const auto record = record_of({
      "001 ocm25104511 ",
      "008 830627t19751972onca   j      000 1 eng d",
      "020    $a 0553101315175",
      "020    $a 0553204300",
      "020    $a 0553268473 (pbk.) : $c USD6.99",
      "022    $a 0028-0836",
      "050  4 $a PZ7.L5215 $b Far",
      "082 04 $a 813.54",
      "100 1  $a Le Guin, Ursula K., $d 1929- $e author.",
      "245 14 $a The farthest shore / $c Ursula K. Le Guin ; illustrated by Gail Garraty.",
      "250    $a Bantam ed.",
      "260    $a Toronto [Ont.] ; $a New York, N.Y. : $b Bantam Books, $c 1975, c1972.",
      "300    $a 197 p. : $b ill. ; $c 18 cm.",
      "490 0  $a Earthsea trilogy ; $v Bk. 3",
      "500    $a This is the third of the author's Earthsea trilogy.",
      "650  0 $a Wizards $v Juvenile fiction.",
      "651  0 $a Earthsea (Imaginary place) $x History $y 20th century $v Fiction.",
      "700 1  $a Garraty, Gail, $e ill.",
      "830  0 $a Earthsea trilogy ; $v Bk. 3.",
  });
  const auto b = extract_bibliographic(record);
  EXPECT_EQ(b.control_number, "ocm25104511");
  EXPECT_EQ(b.title.text, "The farthest shore");
  EXPECT_EQ(b.title.vernacular, "");
  EXPECT_EQ(b.responsibility.text, "Ursula K. Le Guin ; illustrated by Gail Garraty");
  ASSERT_EQ(b.authors.size(), 2u);
  EXPECT_EQ(b.authors[0].text, "Le Guin, Ursula K., 1929-");
  EXPECT_EQ(b.authors[1].text, "Garraty, Gail");
  ASSERT_EQ(b.subjects.size(), 2u);
  EXPECT_EQ(b.subjects[0].text, "Wizards -- Juvenile fiction");
  EXPECT_EQ(b.subjects[1].text, "Earthsea (Imaginary place) -- History -- 20th century -- Fiction");
  ASSERT_EQ(b.series.size(), 1u);  // 490 and 830 say the same
  EXPECT_EQ(b.series[0].text, "Earthsea trilogy");
  EXPECT_EQ(b.edition, "Bantam ed.");
  EXPECT_EQ(b.publisher.text, "Bantam Books");
  EXPECT_EQ(b.place, "Toronto [Ont.] ; New York, N.Y.");
  EXPECT_EQ(b.year, 1975);
  EXPECT_EQ(b.isbns, (std::vector<std::string>{"0553204300", "0553268473", "0553101315175"}));
  EXPECT_EQ(b.issns, (std::vector<std::string>{"0028-0836"}));
  EXPECT_EQ(b.language, "eng");
  EXPECT_EQ(b.physical_description, "197 p. : ill. ; 18 cm");
  EXPECT_EQ(b.notes, (std::vector<std::string>{"This is the third of the author's Earthsea trilogy."}));
  EXPECT_EQ(b.format, Format::kBook);
  EXPECT_EQ(b.audience, Audience::kChildren);
  EXPECT_EQ(b.call_number, "PZ7.L5215 Far");
}

TEST(Bibliographic, LinksVernacularFieldsThrough880) {
  const auto record = record_of({
      "001 964180",
      "008 050615s2005    cc a          000 0 chi d",
      "100 1  $6 880-01 $a Cai, Zhizhong, $d 1948-",
      "245 10 $6 880-02 $a Laozi shuo I : Zhi zhe de di yu = $b the Dao speaks I / $c Cai Zhizhong zhu.",
      "260    $6 880-05 $a Beijing Shi : $b Xian dai chu ban she, $c 2005.",
      "700 1  $a Bruya, Brian.",
      "880 1  $6 100-01/$1 $a 蔡志忠, $d 1948-",
      "880 10 $6 245-02/$1 $a 老子说 I : 智者的低语 = $b the Dao speaks I / $c 蔡志忠著.",
      "880    $6 260-05/$1 $a 北京市 : $b 现代出版社, $c 2005.",
      "880 1  $6 700-00/$1 $a 布鲁亚",
  });
  const auto b = extract_bibliographic(record);
  EXPECT_EQ(b.title.text, "Laozi shuo I : Zhi zhe de di yu = the Dao speaks I");
  EXPECT_EQ(b.title.vernacular, "老子说 I : 智者的低语 = the Dao speaks I");
  EXPECT_EQ(b.responsibility.vernacular, "蔡志忠著");
  EXPECT_EQ(b.publisher.text, "Xian dai chu ban she");
  EXPECT_EQ(b.publisher.vernacular, "现代出版社");
  ASSERT_EQ(b.authors.size(), 3u);
  EXPECT_EQ(b.authors[0], (LinkedText{"Cai, Zhizhong, 1948-", "蔡志忠, 1948-"}));
  EXPECT_EQ(b.authors[1], (LinkedText{"Bruya, Brian", ""}));
  EXPECT_EQ(b.authors[2], (LinkedText{"布鲁亚", ""}));  // unlinked 880 ($6 700-00)
  EXPECT_EQ(b.language, "chi");
}

TEST(Bibliographic, TitleKeepsTheMarkBeforeAMediumDesignation) {
  const auto b = extract_bibliographic(record_of({
      "245 10 $a Data warehousing $h [electronic resource] : $b 4th international conference / $c eds.",
  }));
  EXPECT_EQ(b.title.text, "Data warehousing : 4th international conference");
}

TEST(Bibliographic, YearFallsBackToPublicationDate) {
  struct Case {
    const char* name;
    std::initializer_list<std::string> lines;
    std::optional<int> year;
  };
  const Case cases[] = {
      {"008", {"008 791116s1978    wiua   j      000 1 eng d", "260    $c c1980."}, 1978},
      {"008 unknown, 260", {"008 791116nuuuu    wiua   j      000 1 eng d", "260    $c c1980."}, 1980},
      {"264 ind2 1 over 260", {"264  1 $b Pub, $c [2019]", "260    $c 1990"}, 2019},
      {"264 copyright only", {"264  4 $c ©2020", "260    $c 1990"}, 1990},
      {"no date", {"260    $c [s.d.]"}, std::nullopt},
      {"short 008", {"008 7911", "260    $c 2001"}, 2001},
  };
  for (const auto& c : cases) EXPECT_EQ(extract_bibliographic(record_of(c.lines)).year, c.year) << c.name;
}

TEST(Bibliographic, DecidesFormatAndAudience) {
  struct Case {
    const char* name;
    std::string leader;
    std::string f008;
    std::string f007;
    Format format;
    Audience audience;
  };
  // 008 positions: 22 target audience, 23 form of item (books).
  const std::string book008 = "830627s1975    onca          000 1 eng d";
  auto with = [&](char audience, char form) {
    auto value = book008;
    value[22] = audience;
    value[23] = form;
    return value;
  };
  const Case cases[] = {
      {"book", "00000nam a2200000 a 4500", with(' ', ' '), "", Format::kBook, Audience::kUnknown},
      {"children's book", "00000nam a2200000 a 4500", with('j', ' '), "", Format::kBook, Audience::kChildren},
      {"preschool", "00000nam a2200000 a 4500", with('a', ' '), "", Format::kBook, Audience::kChildren},
      {"adolescent", "00000nam a2200000 a 4500", with('d', ' '), "", Format::kBook, Audience::kYoungAdult},
      {"adult", "00000nam a2200000 a 4500", with('e', ' '), "", Format::kBook, Audience::kAdult},
      {"general", "00000nam a2200000 a 4500", with('g', ' '), "", Format::kBook, Audience::kAdult},
      {"e-book by 008/23", "00000nam a2200000 a 4500", with(' ', 'o'), "", Format::kEBook, Audience::kUnknown},
      {"e-book by 007", "00000nam a2200000 a 4500", with(' ', ' '), "cr |n|||||||||", Format::kEBook,
       Audience::kUnknown},
      {"serial", "00000nas a2200000 a 4500", with('j', ' '), "", Format::kPeriodical, Audience::kUnknown},
      {"integrating", "00000nai a2200000 a 4500", with(' ', ' '), "", Format::kPeriodical, Audience::kUnknown},
      {"manuscript text", "00000ntm a2200000 a 4500", with(' ', ' '), "", Format::kBook, Audience::kUnknown},
      {"score", "00000ncm a2200000 a 4500", with(' ', ' '), "", Format::kMusicScore, Audience::kUnknown},
      {"manuscript score", "00000ndm a2200000 a 4500", with(' ', ' '), "", Format::kMusicScore, Audience::kUnknown},
      {"map", "00000nem a2200000 a 4500", with('j', ' '), "", Format::kMap, Audience::kUnknown},
      {"video", "00000ngm a2200000 a 4500", with('g', ' '), "vd cvaizq", Format::kAudioVisual, Audience::kAdult},
      {"music recording", "00000njm a2200000 a 4500", with(' ', ' '), "sd fsngnnmmned", Format::kAudioVisual,
       Audience::kUnknown},
      {"spoken recording", "00000nim a2200000 a 4500", with(' ', ' '), "", Format::kAudioVisual, Audience::kUnknown},
      {"graphic", "00000nkm a2200000 a 4500", with(' ', ' '), "", Format::kAudioVisual, Audience::kUnknown},
      {"kit", "00000nom a2200000 a 4500", with(' ', ' '), "", Format::kAudioVisual, Audience::kUnknown},
      {"realia", "00000nrm a2200000 a 4500", with(' ', ' '), "", Format::kAudioVisual, Audience::kUnknown},
      {"computer file", "00000nmm a2200000 a 4500", with(' ', ' '), "", Format::kOther, Audience::kUnknown},
      {"short leader", "00000", "", "", Format::kOther, Audience::kUnknown},
  };
  for (const auto& c : cases) {
    MarcRecord record;
    record.leader = c.leader;
    if (!c.f008.empty()) record.fields.push_back({"008", c.f008, ' ', ' ', {}});
    if (!c.f007.empty()) record.fields.push_back({"007", c.f007, ' ', ' ', {}});
    const auto b = extract_bibliographic(record);
    EXPECT_EQ(b.format, c.format) << c.name;
    EXPECT_EQ(b.audience, c.audience) << c.name;
  }
}

TEST(Bibliographic, LanguageFrom008Else041) {
  EXPECT_EQ(extract_bibliographic(record_of({"008 830627s1975    onca          000 1 fre d"})).language, "fre");
  EXPECT_EQ(
      extract_bibliographic(record_of({"008 830627s1975    onca          000 1     d", "041 0  $a chieng"})).language,
      "chi");
  EXPECT_EQ(extract_bibliographic(record_of({"041 0  $a jpn"})).language, "jpn");
  EXPECT_EQ(extract_bibliographic(record_of({"245 00 $a x"})).language, "");
}

TEST(Bibliographic, CallNumberTakesTheFirstPresent) {
  EXPECT_EQ(extract_bibliographic(record_of({"082 04 $a 738.8/2/075 $2 22", "090    $a Local"})).call_number,
            "738.8/2/075");
  EXPECT_EQ(extract_bibliographic(record_of({"099    $a J FIC"})).call_number, "J FIC");
  EXPECT_EQ(extract_bibliographic(record_of({"245 00 $a x"})).call_number, "");
}

TEST(Bibliographic, EmptyRecordGivesEmptyFields) {
  const auto b = extract_bibliographic(MarcRecord{});
  EXPECT_EQ(b.control_number, "");
  EXPECT_EQ(b.title.text, "");
  EXPECT_FALSE(b.year);
  EXPECT_EQ(b.format, Format::kOther);
}

}  // namespace
}  // namespace shelfmark::domain
