#include "web/http.h"

#include <gtest/gtest.h>

namespace shelfmark::web {
namespace {

using domain::Language;

TEST(Http, DecodesPercentAndPlus) {
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%E9%A6%99%E6%B8%AF", false), "香港");
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_EQ(percent_encode("香港 a/b"), "%E9%A6%99%E6%B8%AF%20a%2Fb");
}

TEST(Http, ParsesFormsWithRepeatedFields) {
  auto fields = parse_urlencoded("libraries=CL&libraries=KLN&title_en=Hi+there&empty=&bare");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->count("libraries"), 2u);
  EXPECT_EQ(fields->find("title_en")->second, "Hi there");
  EXPECT_EQ(fields->find("bare")->second, "");
  EXPECT_FALSE(parse_urlencoded("a=%FF%FE"));  // not UTF-8
  EXPECT_TRUE(parse_urlencoded("a=%2&b=1")->count("b"));  // a malformed pair is skipped
}

TEST(Http, ParsesCookies) {
  auto cookies = parse_cookies("sm_lang=tc; sm_session=abc; sm_lang=en; flag; q=\"quoted\"");
  EXPECT_EQ(cookies["sm_lang"], "tc");
  EXPECT_EQ(cookies["sm_session"], "abc");
  EXPECT_EQ(cookies["q"], "quoted");
  EXPECT_EQ(cookies.count("flag"), 0u);
}

TEST(Http, NegotiatesLanguage) {
  EXPECT_EQ(negotiate_language(""), Language::kEnglish);
  EXPECT_EQ(negotiate_language("zh-HK,zh;q=0.9,en;q=0.8"), Language::kTraditionalChinese);
  EXPECT_EQ(negotiate_language("en-GB,en;q=0.9,zh-HK;q=0.8"), Language::kEnglish);
  EXPECT_EQ(negotiate_language("fr-FR, zh-Hant;q=0.5"), Language::kTraditionalChinese);
  EXPECT_EQ(negotiate_language("en;q=0.3, yue;q=0.9"), Language::kTraditionalChinese);
  EXPECT_EQ(negotiate_language("zh-TW;q=0, en"), Language::kEnglish);
  EXPECT_EQ(negotiate_language("fr, de"), Language::kEnglish);
  EXPECT_EQ(negotiate_language(";;;,,,q=,"), Language::kEnglish);
}

TEST(Http, ResponsesReplaceHeadersButKeepEveryCookie) {
  Response response;
  response.set_header("Content-Type", "a");
  response.set_header("content-type", "b");
  response.set_header("Set-Cookie", "x=1");
  response.set_header("Set-Cookie", "y=2");
  EXPECT_EQ(*response.header("CONTENT-TYPE"), "b");
  EXPECT_EQ(response.headers.size(), 3u);
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace shelfmark::web
