#include "core/text.h"

#include <gtest/gtest.h>

namespace shelfmark {
namespace {

TEST(Text, TrimsAndSplits) {
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  auto parts = split("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
}

TEST(Text, ValidatesUtf8) {
  EXPECT_TRUE(is_valid_utf8("香港中央圖書館 café"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_EQ(utf8_length("圖書館ab"), 5u);
}

TEST(Text, CleansTextKeepingParagraphs) {
  EXPECT_EQ(clean_multiline_text("a\r\n\r\nb\x01"), "a\n\nb");
  EXPECT_EQ(clean_single_line_text(" a\nb\t"), "a b");
}

}  // namespace
}  // namespace shelfmark

namespace shelfmark {
namespace {
TEST(Text, FieldsRoundTripWithAwkwardValues) {
  const std::map<std::string, std::string> fields{
      {"address", "Flat A, 3/F\nBlock 2\r\nTsuen Wan"}, {"name", "陳大文"}, {"odd", "a=b\\n\\"}, {"empty", ""}};
  EXPECT_EQ(decode_fields(encode_fields(fields)), fields);
  EXPECT_EQ(decode_fields("no equals sign\n=value\nk=v"), (std::map<std::string, std::string>{{"k", "v"}}));
}
}  // namespace
}  // namespace shelfmark
