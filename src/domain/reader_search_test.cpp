#include "domain/reader_search.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace shelfmark::domain {
namespace {

ReaderQuery classified(std::string_view text) {
  auto query = classify_reader_query(text);
  EXPECT_TRUE(query.ok()) << text;
  return query ? query.value() : ReaderQuery{};
}

ErrorCode refusal(std::string_view text) {
  auto query = classify_reader_query(text);
  EXPECT_FALSE(query.ok()) << text;
  return query ? ErrorCode::kRequired : query.error().fields.at(0).code;
}

// What the store does, with every key at hand: each prefix begins a key.
bool matches(const std::vector<std::string>& keys, const ReaderQuery& query) {
  return std::all_of(query.prefixes.begin(), query.prefixes.end(), [&](const std::string& prefix) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) { return key.starts_with(prefix); });
  });
}

TEST(ReaderSearch, CardAndEAccountNumbersAreCards) {
  auto card = classified(" 2100000042 ");
  EXPECT_EQ(card.kind, ReaderQueryKind::kCard);
  EXPECT_EQ(card.card, "2100000042");
  EXPECT_EQ(card.mobile, "");
  auto account = classified("e1234567890");
  EXPECT_EQ(account.kind, ReaderQueryKind::kCard);
  EXPECT_EQ(account.card, "E1234567890");
  EXPECT_EQ(classified("Ｅ１２３４５６７８９０").card, "E1234567890");
}

TEST(ReaderSearch, EightDigitsAreACardOrAMobile) {
  auto both = classified("9123 4567");
  EXPECT_EQ(both.kind, ReaderQueryKind::kCard);
  EXPECT_EQ(both.card, "91234567");
  EXPECT_EQ(both.mobile, "91234567");
  EXPECT_EQ(classified("21000000").mobile, "");  // mobile numbers start with 4 to 9
}

TEST(ReaderSearch, MobileNumbersWithTheCountryCode) {
  for (auto text : {"+852 9123 4567", "+85291234567", "852 9123-4567", "＋８５２ ９１２３ ４５６７"}) {
    auto query = classified(text);
    EXPECT_EQ(query.kind, ReaderQueryKind::kMobile) << text;
    EXPECT_EQ(query.mobile, "91234567") << text;
  }
}

TEST(ReaderSearch, HkidInAnyCommonSpelling) {
  for (auto text : {"A123456(3)", "a1234563", "A123456 (3)", "Ａ１２３４５６（３）", "a 123456 3"}) {
    auto query = classified(text);
    EXPECT_EQ(query.kind, ReaderQueryKind::kHkid) << text;
    EXPECT_EQ(query.hkid, "A1234563") << text;
  }
  EXPECT_EQ(classified("ab987654(3)").hkid, "AB9876543");
  EXPECT_EQ(classified("G123456(A)").hkid, "G123456A");
  EXPECT_EQ(refusal("A123456(4)"), ErrorCode::kHkidCheckDigit);
}

TEST(ReaderSearch, EmailIsLowerCased) {
  auto query = classified(" Tai.Man@Example.COM ");
  EXPECT_EQ(query.kind, ReaderQueryKind::kEmail);
  EXPECT_EQ(query.email, "tai.man@example.com");
}

TEST(ReaderSearch, NamesFoldCaseWidthAndPunctuation) {
  auto query = classified("CHAN, Tai-man");
  EXPECT_EQ(query.kind, ReaderQueryKind::kName);
  EXPECT_EQ(query.last_word, "man");
  EXPECT_EQ(query.prefixes, (std::vector<std::string>{"chan", "man", "tai"}));
  EXPECT_EQ(classified("ｃｈａｎ　ｔａｉ").prefixes, (std::vector<std::string>{"chan", "tai"}));
  EXPECT_EQ(classified("陳大文").prefixes, (std::vector<std::string>{"陳大文"}));
  EXPECT_EQ(classified("陳 大文").prefixes, (std::vector<std::string>{"陳大文"}));
}

TEST(ReaderSearch, EmptyAndTooShortQueriesAreRefused) {
  EXPECT_EQ(refusal(""), ErrorCode::kRequired);
  EXPECT_EQ(refusal("   "), ErrorCode::kRequired);
  EXPECT_EQ(refusal("c"), ErrorCode::kTooShort);
  EXPECT_EQ(refusal("7"), ErrorCode::kTooShort);
  EXPECT_EQ(classified("陳").prefixes, (std::vector<std::string>{"陳"}));  // a surname is enough
  EXPECT_EQ(refusal("-,-"), ErrorCode::kTooShort);
  EXPECT_EQ(refusal(std::string(101, 'a')), ErrorCode::kTooLong);
  EXPECT_EQ(classified("ng").prefixes, (std::vector<std::string>{"ng"}));
}

TEST(ReaderSearch, NameKeysAreWordsAndChineseSuffixes) {
  // In byte order, as the index holds them.
  EXPECT_EQ(reader_name_keys("Wong Siu-ming", "黃小明"),
            (std::vector<std::string>{
                triple_key("ming", "siu", "wong"), triple_key("ming", "wong", "siu"), triple_key("siu", "ming", "wong"),
                triple_key("siu", "wong", "ming"), triple_key("wong", "ming", "siu"), triple_key("wong", "siu", "ming"),
                pair_key("ming", "siu"), pair_key("ming", "wong"), pair_key("siu", "ming"), pair_key("siu", "wong"),
                pair_key("wong", "ming"), pair_key("wong", "siu"), "ming", "siu", "wong", "小明", "明", "黃小明"}));
  EXPECT_EQ(reader_name_keys("Chan Chan", ""), (std::vector<std::string>{"chan"}));
  EXPECT_EQ(pair_key("chan", "ta"), std::string("\x1F") + "chan" + "\x1F" + "ta");
  EXPECT_EQ(triple_key("chan", "tai", "ma"), std::string("\x1E") + "chan" + "\x1F" + "tai" + "\x1F" + "ma");
  EXPECT_EQ(reader_name_keys("Chan Tai Man", "").size(), 15u);  // 3 words, 6 pairs, 6 triples
}

TEST(ReaderSearch, QueriesMatchTheKeysOfTheNamesTheyShouldFind) {
  const auto keys = reader_name_keys("CHAN, Tai-man", "陳大文");
  for (auto text : {"Chan Tai Man", "chan tai", "man chan", "TAI-MAN", "陳大文", "大文", "陳大", "Ｃｈａｎ"})
    EXPECT_TRUE(matches(keys, classified(text))) << text;
  for (auto text : {"Chan Siu Ming", "wong", "陳小", "ai man"}) EXPECT_FALSE(matches(keys, classified(text))) << text;
}

}  // namespace
}  // namespace shelfmark::domain
