// The MARC adapter on real records from other library projects (../shared/data/marc, see its README).
#include "marc/marc_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "core/text.h"
#include "marc/marc_writer.h"

namespace shelfmark::marc {
namespace {

using domain::MarcRecord;

const std::filesystem::path kData = SHELFMARK_MARC_DATA;

#define REQUIRE_SAMPLES()                                                 \
  if (!std::filesystem::is_directory(kData))                              \
  GTEST_SKIP() << "the shared MARC samples are not at " << kData.string() \
               << " (they live beside the repository, in ../shared/data/marc)"

struct FileRead {
  std::vector<MarcRecord> records;
  std::vector<ReadResult> errors;
  int guessed = 0;
};

FileRead read_all(const std::filesystem::path& path, Encoding encoding = Encoding::kAuto) {
  FileRead out;
  auto reader = open_file(path.string(), encoding);
  while (auto result = reader->next()) {
    if (result->record) {
      out.records.push_back(std::move(*result->record));
      if (result->utf8_guessed) ++out.guessed;
    } else {
      out.errors.push_back(std::move(*result));
    }
  }
  return out;
}

TEST(MarcFiles, EveryFileImportsWithTheCountsInTheReadme) {
  REQUIRE_SAMPLES();
  const std::map<std::string, std::size_t> counts = {
      {"jazz_1k.mrc", 1000},
      {"lul_fre_500.mrc", 500},
      {"concerto_bibs_all.utf8.mrc", 264},
      {"concerto_bibs_all.marcxml", 264},
      {"concerto_graphic_880.utf8.mrc", 7},
      {"concerto_graphic_880.marcxml", 7},
      {"hebrew.marc", 20},
      {"nepali.marc", 96},
      {"FSL.marc", 52},
      {"badisbns.xml", 10},
      {"test.dat", 10},
      {"marc8.dat", 1},
      {"diacritic.dat", 1},
      {"utf8_with_leader_flag.dat", 1},
      {"utf8_multirecord.marc", 2},
      {"batch.dat", 31},
      {"loc/sample-marc", 24},
  };
  for (const auto& [name, count] : counts) {
    SCOPED_TRACE(name);
    const auto read = read_all(kData / name);
    EXPECT_EQ(read.records.size(), count);
    for (const auto& error : read.errors)
      ADD_FAILURE() << "record " << error.number << " at byte " << error.offset << ": " << error.error;
    for (const auto& record : read.records) {
      EXPECT_EQ(record.leader.size(), 24u);
      EXPECT_EQ(record.leader[9], 'a');
    }
  }
  // The LoC MARCXML collections: 106 records in all (yaz-marcdump -i marcxml agrees; the README's 127 is off).
  std::size_t loc = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "loc")) {
    if (entry.path().extension() != ".xml") continue;
    const auto read = read_all(entry.path());
    EXPECT_TRUE(read.errors.empty()) << entry.path();
    loc += read.records.size();
  }
  EXPECT_EQ(loc, 106u);
}

TEST(MarcFiles, Iso2709AndMarcXmlOfTheSameRecordsAgree) {
  REQUIRE_SAMPLES();
  for (const auto* base : {"concerto_bibs_all", "concerto_graphic_880"}) {
    SCOPED_TRACE(base);
    const auto binary = read_all(kData / (std::string(base) + ".utf8.mrc"));
    const auto xml = read_all(kData / (std::string(base) + ".marcxml"));
    ASSERT_EQ(binary.records.size(), xml.records.size());
    for (std::size_t i = 0; i < binary.records.size(); ++i) {
      EXPECT_EQ(binary.records[i].fields, xml.records[i].fields) << "record " << i + 1;
    }
  }
}

TEST(MarcFiles, ChineseTitlesComeFrom880) {
  REQUIRE_SAMPLES();
  const auto read = read_all(kData / "concerto_graphic_880.utf8.mrc");
  std::map<std::string, domain::Bibliographic> by_id;
  for (const auto& record : read.records) {
    auto b = domain::extract_bibliographic(record);
    by_id[b.control_number] = b;
  }
  ASSERT_TRUE(by_id.count("2741359"));
  EXPECT_EQ(by_id["2741359"].title.text, "Tu shuo Zhongguo jie = Tushuo Zhongguojie");
  EXPECT_EQ(by_id["2741359"].title.vernacular, "图说中国节 = Tushuo Zhongguojie");
  EXPECT_EQ(by_id["2741359"].authors.at(0).vernacular, "大乔");
  EXPECT_EQ(by_id["2741359"].publisher.vernacular, "中国社会科学出版社");
  ASSERT_TRUE(by_id.count("964180"));
  EXPECT_EQ(by_id["964180"].title.vernacular, "老子说 I : 智者的低语 = the Dao speaks I : the whispers of wisdom");
  EXPECT_EQ(by_id["964180"].authors.at(0), (domain::LinkedText{"Cai, Zhizhong, 1948-", "蔡志忠, 1948-"}));
  ASSERT_TRUE(by_id.count("892053"));
  EXPECT_EQ(by_id["892053"].title.vernacular, "Breathing，Feeding，and，Neuroprotection");
}

TEST(MarcFiles, Marc8DiacriticsBecomeComposedUtf8) {
  REQUIRE_SAMPLES();
  const auto lul = read_all(kData / "lul_fre_500.mrc");
  ASSERT_EQ(lul.records.size(), 500u);
  bool found = false;
  for (const auto& record : lul.records) {
    const auto title = domain::extract_bibliographic(record).title.text;
    if (title.rfind("L'autre monde, mythes et l", 0) == 0) {
      EXPECT_EQ(title, "L'autre monde, mythes et l\xC3\xA9gendes : le purgatoire de Saint Patrice");  // é as U+00E9
      found = true;
    }
  }
  EXPECT_TRUE(found);

  const auto diacritic = read_all(kData / "diacritic.dat");
  ASSERT_EQ(diacritic.records.size(), 1u);
  std::string all;
  for (const auto& field : diacritic.records[0].fields)
    for (const auto& subfield : field.subfields) all += subfield.value + "\n";
  EXPECT_TRUE(is_valid_utf8(all));
  // No combining acute/grave/diaeresis left where a composed letter exists.
  EXPECT_EQ(all.find("e\xCC\x81"), std::string::npos);
  EXPECT_EQ(all.find("a\xCC\x80"), std::string::npos);
}

TEST(MarcFiles, EncodingOverrideForALyingLeader) {
  REQUIRE_SAMPLES();
  const auto guessed = read_all(kData / "FSL.marc");
  EXPECT_EQ(guessed.records.size(), 52u);
  EXPECT_GT(guessed.guessed, 0);
  // Files that really are MARC-8 are never taken for UTF-8.
  for (const auto* name : {"jazz_1k.mrc", "lul_fre_500.mrc", "hebrew.marc", "diacritic.dat", "marc8.dat"})
    EXPECT_EQ(read_all(kData / name).guessed, 0) << name;
  const auto forced = read_all(kData / "FSL.marc", Encoding::kUtf8);
  EXPECT_EQ(forced.records.size(), 52u);
  EXPECT_EQ(forced.guessed, 0);
  EXPECT_EQ(forced.records, guessed.records);
}

TEST(MarcFiles, MalformedFilesGiveClearPerRecordErrors) {
  REQUIRE_SAMPLES();
  struct Expected {
    std::size_t read;
    std::vector<std::string> errors;  // a part of each error, in order
  };
  // What each broken file gives. Some are readable: their flaw is one a reader may accept (a C1 control,
  // dropped; an odd leader position; bytes YAZ skips in an EACC run, leaving the rest of the title right).
  const std::map<std::string, Expected> expected = {
      {"bad_eacc_encoding.dat", {1, {}}},
      {"bad_indicator.dat", {0, {"directory entry 1 has a bad tag"}}},
      {"bad_marc8_escape.dat", {0, {"field 222 $a: invalid MARC-8"}}},
      {"bad_records.mrc", {6, {"directory length 13 is not a multiple of 12", "directory length 13"}}},
      {"bad_subfield_code.dat", {0, {"field 245: bad subfield code 0xC3"}}},
      {"bad_subfield_code.marc", {0, {"field 260: bad subfield code 0xE2"}}},
      {"bad_utf_byte.utf8.marc", {0, {"field 300 $a: invalid UTF-8 at byte 21"}}},
      {"emptyish_record.marc", {1, {}}},
      {"marc_with_bad_utf8.utf8.marc", {1, {}}},
      {"messed_up_leader.xml", {1, {}}},
      {"three-records-second-bad.xml", {2, {"XML error: invalid character in attribute value"}}},
      {"utf8_errors.dat", {1, {}}},
      {"utf8_invalid.mrc", {0, {"field 260: bad subfield code 0xEF"}}},
      {"utf8_with_bad_bytes.marc", {0, {"field 245 $a: invalid UTF-8 at byte 68"}}},
  };
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "malformed")) {
    const auto name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const auto read = read_all(entry.path());
    for (const auto& error : read.errors) {
      EXPECT_GT(error.number, 0);
      EXPECT_GE(error.offset, 0);
    }
    const auto found = expected.find(name);
    if (found == expected.end()) {
      ADD_FAILURE() << "a new malformed file: add what it should give";
      continue;
    }
    ++seen;
    EXPECT_EQ(read.records.size(), found->second.read);
    ASSERT_EQ(read.errors.size(), found->second.errors.size());
    for (std::size_t i = 0; i < read.errors.size(); ++i)
      EXPECT_NE(read.errors[i].error.find(found->second.errors[i]), std::string::npos) << read.errors[i].error;
  }
  EXPECT_EQ(seen, expected.size());
  // The second of three XML records is reported by its position and where it starts.
  const auto three = read_all(kData / "malformed" / "three-records-second-bad.xml");
  ASSERT_EQ(three.errors.size(), 1u);
  EXPECT_EQ(three.errors[0].number, 2);
  EXPECT_EQ(three.errors[0].offset, 2770);
  // A C1 control character is dropped.
  const auto c1 = read_all(kData / "malformed" / "marc_with_bad_utf8.utf8.marc");
  for (const auto& field : c1.records.at(0).fields)
    for (const auto& subfield : field.subfields) EXPECT_EQ(subfield.value.find("\xC2\x98"), std::string::npos);
}

TEST(MarcReader, SkipsStrayTerminatorsAndReportsTruncation) {
  MarcRecord record;
  record.leader = "00000nam a2200000 a 4500";
  record.fields.push_back({"001", "x1", ' ', ' ', {}});
  record.fields.push_back({"245", "", '1', '0', {{'a', "Caf\xC3\xA9 /"}}});
  const auto one = to_iso2709(record);
  auto reader = open_bytes("\x1D\n" + one + "\x1D\x1D" + one.substr(0, 30));
  auto first = reader->next();
  ASSERT_TRUE(first && first->record);
  EXPECT_EQ(first->number, 1);
  EXPECT_EQ(first->offset, 2);
  EXPECT_EQ(first->record->fields, record.fields);
  auto second = reader->next();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->record);
  EXPECT_EQ(second->number, 2);
  EXPECT_NE(second->error.find("truncated"), std::string::npos) << second->error;
  EXPECT_FALSE(reader->next());
}

TEST(MarcReader, XmlWithPrefixesAndNoRecords) {
  auto reader = open_bytes(
      "<?xml version=\"1.0\"?><marc:collection xmlns:marc=\"http://www.loc.gov/MARC21/slim\"><marc:record>"
      "<marc:leader>00000nam a2200000 a 4500</marc:leader><marc:controlfield tag=\"001\">a&amp;b</marc:controlfield>"
      "</marc:record></marc:collection>");
  auto first = reader->next();
  ASSERT_TRUE(first && first->record) << (first ? first->error : "");
  EXPECT_EQ(first->record->first("001")->value, "a&b");
  EXPECT_FALSE(reader->next());
  auto empty = open_bytes("<collection/>");
  auto none = empty->next();
  ASSERT_TRUE(none);
  EXPECT_NE(none->error.find("no MARCXML <record>"), std::string::npos);
  EXPECT_FALSE(empty->next());
  // No external entities.
  auto xxe = open_bytes(
      "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><record><leader>00000nam a2200000 a 4500</leader>"
      "<controlfield tag=\"001\">&x;</controlfield></record>");
  auto result = xxe->next();
  ASSERT_TRUE(result);
  if (result->record) {
    EXPECT_EQ(result->record->first("001")->value.find("root"), std::string::npos);
  }
}

TEST(MarcFiles, LargeMarcXmlIsReadInChunks) {
  REQUIRE_SAMPLES();
  const auto read = read_all(kData / "concerto_bibs_all.marcxml");
  std::vector<MarcRecord> many;
  for (int copy = 0; copy < 4; ++copy) many.insert(many.end(), read.records.begin(), read.records.end());
  const auto xml = to_marcxml_collection(many);
  ASSERT_GT(xml.size(), 2u << 20);  // several chunks
  auto reader = open_bytes(xml);
  std::size_t i = 0;
  while (auto result = reader->next()) {
    ASSERT_TRUE(result->record) << result->error;
    ASSERT_LT(i, many.size());
    EXPECT_EQ(result->record->fields, many[i].fields) << "record " << i + 1;
    EXPECT_EQ(xml.substr(static_cast<std::size_t>(result->offset), 7), "<record") << "record " << i + 1;
    ++i;
  }
  EXPECT_EQ(i, many.size());
}

TEST(MarcReader, ParsesEncodingNames) {
  EXPECT_EQ(parse_encoding("marc8"), Encoding::kMarc8);
  EXPECT_EQ(parse_encoding("utf8"), Encoding::kUtf8);
  EXPECT_EQ(parse_encoding("auto"), Encoding::kAuto);
  EXPECT_FALSE(parse_encoding("latin1"));
}

TEST(MarcWriter, RoundTripsThroughIso2709AndMarcXml) {
  REQUIRE_SAMPLES();
  for (const auto* name : {"concerto_graphic_880.utf8.mrc", "lul_fre_500.mrc", "hebrew.marc", "test.dat"}) {
    SCOPED_TRACE(name);
    const auto read = read_all(kData / name);
    ASSERT_FALSE(read.records.empty());
    std::string iso;
    for (const auto& record : read.records) iso += to_iso2709(record);
    std::vector<MarcRecord> again_iso, again_xml;
    for (auto reader = open_bytes(iso); auto result = reader->next();) {
      ASSERT_TRUE(result->record) << result->error;
      again_iso.push_back(*result->record);
    }
    for (auto reader = open_bytes(to_marcxml_collection(read.records)); auto result = reader->next();) {
      ASSERT_TRUE(result->record) << result->error;
      again_xml.push_back(*result->record);
    }
    ASSERT_EQ(again_iso.size(), read.records.size());
    ASSERT_EQ(again_xml.size(), read.records.size());
    for (std::size_t i = 0; i < read.records.size(); ++i) {
      EXPECT_EQ(again_iso[i].fields, read.records[i].fields);
      EXPECT_EQ(again_xml[i].fields, read.records[i].fields);
    }
  }
}

}  // namespace
}  // namespace shelfmark::marc
