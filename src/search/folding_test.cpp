#include "search/folding.h"

#include <gtest/gtest.h>

namespace shelfmark::search {
namespace {

TEST(Folding, TraditionalAndSimplifiedMeet) {
  EXPECT_EQ(fold("傲慢與偏見"), fold("傲慢与偏见"));
  EXPECT_EQ(fold("紅樓夢"), fold("红楼梦"));
  EXPECT_EQ(fold("香港圖書館"), "香港图书馆");
  // Hong Kong variant forms fold with the standard ones.
  EXPECT_EQ(fold("綫"), fold("線"));
  EXPECT_EQ(fold("裏"), fold("裡"));
}

TEST(Folding, WidthAndDiacritics) {
  EXPECT_EQ(fold("ＡＢＣ１２３"), "ABC123");
  EXPECT_EQ(fold("café"), "cafe");
  EXPECT_EQ(fold("Dvořák"), "Dvorak");
  EXPECT_EQ(fold("Ελληνικά"), "Ελληνικα");
  EXPECT_EQ(fold("ﬁnancial"), "financial");
  // Case is kept, so that AND and OR stay operators for the query parser.
  EXPECT_EQ(fold("Cats AND Dogs"), "Cats AND Dogs");
}

TEST(Folding, MarksThatAreLettersStay) {
  // A Japanese voicing mark is part of the letter: が is not か.
  EXPECT_EQ(fold("が"), "が");
  EXPECT_NE(fold("が"), fold("か"));
  // Devanagari vowel signs are kept.
  EXPECT_EQ(fold("नेपाली"), "नेपाली");
}

TEST(Folding, BadInputIsReplacedNotPassedOn) {
  const std::string bad = std::string("ab") + char(0xC3) + "c" + char(0xFF);
  const auto folded = fold(bad);
  EXPECT_EQ(folded.substr(0, 2), "ab");
  EXPECT_NE(folded.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(fold(""), "");
}

}  // namespace
}  // namespace shelfmark::search
