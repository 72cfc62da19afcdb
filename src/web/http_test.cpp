#include "web/http.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

#include "web/formats.h"
#include "web/page_kit.h"

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
  EXPECT_FALSE(parse_urlencoded("a=%FF%FE"));             // not UTF-8
  EXPECT_TRUE(parse_urlencoded("a=%2&b=1")->count("b"));  // a malformed pair is skipped
}

TEST(Http, FormBodiesAreRefusedPastTheirLimitsBeforeParsing) {
  const FormLimits limits{64, 3};
  auto ok = parse_form("a=1&&b=2&c=3&", limits);  // empty pieces do not count
  ASSERT_TRUE(std::holds_alternative<Fields>(ok));
  EXPECT_EQ(std::get<Fields>(ok).size(), 3u);
  EXPECT_EQ(std::get<FormError>(parse_form("a&b&c&d", limits)), FormError::kTooManyFields);
  EXPECT_EQ(std::get<FormError>(parse_form(std::string(65, 'a'), limits)), FormError::kTooLarge);
  EXPECT_EQ(std::get<FormError>(parse_form("a=%FF", limits)), FormError::kInvalidText);
  // The defaults: 512 KiB and 1,000 fields; two million empty fields in 8 MiB are refused by size, and a
  // body under the size limit with more than a thousand fields by count.
  EXPECT_EQ(std::get<FormError>(parse_form(std::string(8 * 1024 * 1024, '&'))), FormError::kTooLarge);
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "a=&";
  EXPECT_EQ(std::get<FormError>(parse_form(many)), FormError::kTooManyFields);
  many.resize(many.size() - 3);
  EXPECT_TRUE(std::holds_alternative<Fields>(parse_form(many)));
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

// Multipart bodies as browsers send them: CRLF lines, "--" + boundary delimiters, a closing "--".
constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const std::string kType = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string text_part(std::string_view name, std::string_view value) {
  return "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
         "\"\r\n\r\n" + std::string(value) + "\r\n";
}
std::string file_part(std::string_view name, std::string_view filename, std::string_view bytes,
                      std::string_view type = "image/jpeg") {
  return "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
         "\"; filename=\"" + std::string(filename) + "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" +
         std::string(bytes) + "\r\n";
}
std::string closing() { return "--" + std::string(kBoundary) + "--\r\n"; }

MultipartBody parsed(std::string_view type, std::string_view body, const MultipartLimits& limits = {}) {
  auto result = parse_multipart(type, body, limits);
  if (auto* error = std::get_if<MultipartError>(&result)) {
    ADD_FAILURE() << "multipart error " << static_cast<int>(*error);
    return {};
  }
  return std::get<MultipartBody>(std::move(result));
}
std::optional<MultipartError> error_of(std::string_view type, std::string_view body,
                                       const MultipartLimits& limits = {}) {
  auto result = parse_multipart(type, body, limits);
  if (auto* error = std::get_if<MultipartError>(&result)) return *error;
  return std::nullopt;
}

TEST(Multipart, ParsesABrowserShapedBody) {
  // File bytes with CR LF, "--" runs, NUL and a line that looks like a delimiter of another boundary, and
  // one that starts with the real delimiter but goes on (not a delimiter either).
  const std::string front("\xFF\xD8\xFF\xE0\r\n--\r\n\0--", 12);
  const std::string back =
      front + "\r\n------WebKitFormBoundaryFAKE\r\n\r\n--" + std::string(kBoundary) + "X\r\n\xFF\xD9\r\n--";
  const std::string body = "preamble is ignored\r\n" + text_part("name_en", "Ada Lovelace") +
                           text_part("name_tc", "陳大文") + file_part("id_front", "front.jpg", front) +
                           file_part("id_back", "back.png", back, "image/png") + closing() + "epilogue";
  const auto multipart = parsed(kType, body);
  ASSERT_EQ(multipart.fields.size(), 2u);
  EXPECT_EQ(multipart.fields.find("name_en")->second, "Ada Lovelace");
  EXPECT_EQ(multipart.fields.find("name_tc")->second, "陳大文");
  ASSERT_EQ(multipart.files.size(), 2u);
  EXPECT_EQ(multipart.files[0].field, "id_front");
  EXPECT_EQ(multipart.files[0].filename, "front.jpg");
  EXPECT_EQ(multipart.files[0].content_type, "image/jpeg");
  EXPECT_EQ(multipart.files[0].bytes, front);
  EXPECT_FALSE(multipart.files[0].too_large);
  EXPECT_EQ(multipart.files[1].field, "id_back");
  EXPECT_EQ(multipart.files[1].content_type, "image/png");
  EXPECT_EQ(multipart.files[1].bytes, back);

  Request request;
  request.files = multipart.files;
  ASSERT_TRUE(request.file("id_back"));
  EXPECT_EQ(request.file("id_back")->filename, "back.png");
  EXPECT_FALSE(request.file("photo"));
}

TEST(Multipart, ReadsQuotedAndUnquotedBoundaries) {
  const std::string body =
      "--a'b(c)+_,-./:=?z\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a'b(c)+_,-./:=?z--";
  EXPECT_EQ(parsed("multipart/form-data; boundary=\"a'b(c)+_,-./:=?z\"", body).fields.find("x")->second, "1");
  EXPECT_EQ(parsed("multipart/form-data;BOUNDARY=a'b(c)+_,-./:=?z;charset=utf-8", body).fields.size(), 1u);
  EXPECT_EQ(parsed("Multipart/Form-Data ; charset=utf-8 ;  Boundary = \"a'b(c)+_,-./:=?z\"", body).fields.size(), 1u);
  // The boundary is case-sensitive, and a quoted one may hold a space, though not at its end.
  EXPECT_EQ(error_of("multipart/form-data; boundary=A'B(C)+_,-./:=?Z", body), MultipartError::kMalformed);
  const std::string spaced = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--\r\n";
  EXPECT_EQ(parsed("multipart/form-data; boundary=\"a b\"", spaced).fields.size(), 1u);
}

TEST(Multipart, RefusesMissingOrUnusableBoundaries) {
  const std::string body = text_part("a", "1") + closing();
  EXPECT_EQ(error_of("multipart/form-data", body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("multipart/form-data; boundary=", body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("multipart/form-data; boundary=\"\"", body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("multipart/form-data; boundary=\"abc", body), MultipartError::kNoBoundary);  // unclosed
  EXPECT_EQ(error_of("multipart/form-data; boundary=\"a b \"", body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("multipart/form-data; boundary=a\x01z", body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("multipart/form-data; boundary=" + std::string(71, 'b'), body), MultipartError::kNoBoundary);
  EXPECT_EQ(error_of("", ""), MultipartError::kNoBoundary);
  const std::string longest(70, 'b');
  EXPECT_EQ(parsed("multipart/form-data; boundary=" + longest,
                   "--" + longest + "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + longest + "--")
                .fields.size(),
            1u);
}

TEST(Multipart, KeepsAnEmptyFilePartWhenNoFileWasChosen) {
  const auto multipart =
      parsed(kType, text_part("a", "") + file_part("photo", "", "", "application/octet-stream") + closing());
  ASSERT_EQ(multipart.files.size(), 1u);
  EXPECT_EQ(multipart.files[0].field, "photo");
  EXPECT_EQ(multipart.files[0].filename, "");
  EXPECT_EQ(multipart.files[0].bytes, "");
  EXPECT_FALSE(multipart.files[0].too_large);
  EXPECT_EQ(multipart.fields.find("a")->second, "");  // an empty text field is still a field
}

TEST(Multipart, MarksFilesOverTheLimitTooLargeWithoutTheirBytes) {
  MultipartLimits limits;
  limits.max_file_bytes = 1000;
  const std::string exact(1000, '\n');
  const std::string over(1001, 'x');
  const auto multipart =
      parsed(kType, file_part("a", "a.jpg", exact) + file_part("b", "b.jpg", over) + closing(), limits);
  ASSERT_EQ(multipart.files.size(), 2u);
  EXPECT_FALSE(multipart.files[0].too_large);
  EXPECT_EQ(multipart.files[0].bytes, exact);
  EXPECT_TRUE(multipart.files[1].too_large);
  EXPECT_EQ(multipart.files[1].bytes, "");
  EXPECT_EQ(multipart.files[1].field, "b");
  EXPECT_EQ(multipart.files[1].filename, "b.jpg");

  // The default limit, 3 MiB.
  const std::string three_mib(3 * 1024 * 1024, 'y');
  const auto defaults =
      parsed(kType, file_part("a", "a", three_mib) + file_part("b", "b", three_mib + "y") + closing());
  ASSERT_EQ(defaults.files.size(), 2u);
  EXPECT_EQ(defaults.files[0].bytes.size(), three_mib.size());
  EXPECT_TRUE(defaults.files[1].too_large);
}

TEST(Multipart, RefusesExtraFilesAndParts) {
  std::string body;
  for (int i = 0; i < 4; ++i) body += file_part("f" + std::to_string(i), "x.jpg", "x");
  EXPECT_EQ(parsed(kType, body + closing()).files.size(), 4u);
  EXPECT_EQ(error_of(kType, body + file_part("extra", "x.jpg", "x") + closing()), MultipartError::kTooManyFiles);
  // Empty file parts count too: a file input is a file input.
  EXPECT_EQ(error_of(kType, body + file_part("extra", "", "") + closing()), MultipartError::kTooManyFiles);

  std::string many;
  for (int i = 0; i < 64; ++i) many += text_part("t", "v");
  EXPECT_EQ(parsed(kType, many + closing()).fields.size(), 64u);
  EXPECT_EQ(error_of(kType, many + text_part("t", "v") + closing()), MultipartError::kTooManyParts);
  // Nameless parts are skipped but still counted.
  std::string nameless;
  for (int i = 0; i < 65; ++i) nameless += "--" + std::string(kBoundary) + "\r\n\r\nv\r\n";
  EXPECT_EQ(error_of(kType, nameless + closing()), MultipartError::kTooManyParts);
}

TEST(Multipart, RefusesTruncatedAndMalformedBodies) {
  const std::string whole = text_part("a", "1") + file_part("f", "f.jpg", "bytes") + closing();
  EXPECT_EQ(parsed(kType, whole).files.size(), 1u);
  // Every cut short of the closing delimiter is malformed (and none of them reads out of bounds).
  const auto close_at = whole.rfind("--" + std::string(kBoundary) + "--");
  for (std::size_t size = 0; size < close_at + 2 + kBoundary.size() + 2; ++size)
    EXPECT_EQ(error_of(kType, whole.substr(0, size)), MultipartError::kMalformed) << size;
  // Without the final CRLF it is whole.
  EXPECT_EQ(parsed(kType, whole.substr(0, whole.size() - 2)).files.size(), 1u);
  EXPECT_EQ(error_of(kType, "no delimiter at all"), MultipartError::kMalformed);
  // A part without the blank line that ends its headers; a header line without a colon; two dispositions.
  const std::string start = "--" + std::string(kBoundary) + "\r\n";
  EXPECT_EQ(error_of(kType, start + "Content-Disposition: form-data; name=a\r\n1\r\n" + closing()),
            MultipartError::kMalformed);
  EXPECT_EQ(error_of(kType, start + "Content-Disposition: form-data; name=a\r\nbogus\r\n\r\n1\r\n" + closing()),
            MultipartError::kMalformed);
  EXPECT_EQ(error_of(kType, start +
                                "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
                                "name=b\r\n\r\n1\r\n" +
                                closing()),
            MultipartError::kMalformed);
  EXPECT_EQ(error_of(kType, start + "Content-Disposition: form-data; name=\"a\r\n\r\n1\r\n" + closing()),
            MultipartError::kMalformed);  // unclosed quote
}

TEST(Multipart, RefusesTextThatIsNotUtf8OrTooLong) {
  EXPECT_EQ(error_of(kType, text_part("a", "\xFF\xFE") + closing()), MultipartError::kInvalidText);
  EXPECT_EQ(error_of(kType, text_part("\xC3", "ok") + closing()), MultipartError::kInvalidText);
  EXPECT_EQ(error_of(kType, file_part("f", "\xE9\xA6.jpg", "x") + closing()), MultipartError::kInvalidText);
  MultipartLimits limits;
  limits.max_text_bytes = 10;
  EXPECT_EQ(parsed(kType, text_part("a", std::string(10, 'a')) + closing(), limits).fields.size(), 1u);
  EXPECT_EQ(error_of(kType, text_part("a", std::string(11, 'a')) + closing(), limits), MultipartError::kInvalidText);
  // File bytes are not text.
  EXPECT_EQ(parsed(kType, file_part("f", "f.bin", "\xFF\xFE") + closing()).files.size(), 1u);
}

TEST(Multipart, HeaderInjectionInNamesStaysInTheName) {
  const std::string start = "--" + std::string(kBoundary) + "\r\n";
  // An escaped quote does not end the name, so no filename parameter begins.
  auto multipart = parsed(
      kType, start + "Content-Disposition: form-data; name=\"a\\\"; filename=\\\"x.jpg\"\r\n\r\n1\r\n" + closing());
  EXPECT_TRUE(multipart.files.empty());
  ASSERT_EQ(multipart.fields.size(), 1u);
  EXPECT_EQ(multipart.fields.begin()->first, "a\"; filename=\"x.jpg");
  // Browsers percent-encode CR, LF and quotes in names; the encoding stays as sent.
  multipart = parsed(kType, text_part("a%0D%0AContent-Type: text/html%22", "1") + closing());
  EXPECT_EQ(multipart.fields.begin()->first, "a%0D%0AContent-Type: text/html%22");
  // Backslashes other than escapes stay (old browsers send Windows paths); filename* is ignored.
  multipart = parsed(kType, start +
                                "Content-Disposition: form-data; name=\"f\"; filename=\"C:\\dir\\a.jpg\"; "
                                "filename*=UTF-8''b.jpg\r\n\r\nx\r\n" +
                                closing());
  ASSERT_EQ(multipart.files.size(), 1u);
  EXPECT_EQ(multipart.files[0].filename, "C:\\dir\\a.jpg");
  // The first of duplicate parameters wins; other dispositions and nameless parts are skipped.
  multipart = parsed(kType, start + "Content-Disposition: form-data; name=first; name=second\r\n\r\n1\r\n" + start +
                                "Content-Disposition: attachment; name=att\r\n\r\n2\r\n" + start +
                                "Content-Disposition: form-data; name=\"\"\r\n\r\n3\r\n" + start +
                                "Content-Type: text/plain\r\n\r\n4\r\n" + start + "\r\n5\r\n" + closing());
  ASSERT_EQ(multipart.fields.size(), 1u);
  EXPECT_EQ(multipart.fields.begin()->first, "first");
}

TEST(Multipart, RefusesLfOnlyLineEndings) {
  // See http.h: bare LF would let "\n--boundary" inside a file cut it.
  const std::string body = "--" + std::string(kBoundary) + "\nContent-Disposition: form-data; name=a\n\n1\n--" +
                           std::string(kBoundary) + "--\n";
  EXPECT_EQ(error_of(kType, body), MultipartError::kMalformed);
}

TEST(Multipart, ToleratesWhitespaceAfterDelimitersAndEmptyBodies) {
  const std::string b(kBoundary);
  EXPECT_EQ(
      parsed(kType, "--" + b + " \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + b + "--").fields.size(),
      1u);
  EXPECT_TRUE(parsed(kType, "--" + b + "--\r\n").fields.empty());
  // Many near-delimiters stay linear: a large file full of "\r\n--boundary" prefixes followed by junk.
  std::string noisy;
  for (int i = 0; i < 20000; ++i) noisy += "\r\n--" + b + "!";
  const auto multipart = parsed(kType, file_part("f", "f", noisy) + closing(), MultipartLimits{});
  ASSERT_EQ(multipart.files.size(), 1u);
  EXPECT_EQ(multipart.files[0].bytes, noisy);
}

}  // namespace
}  // namespace shelfmark::web

namespace shelfmark::web {
namespace {

TEST(Formats, CsvCellsCannotRunFormulasAndAreAlwaysQuoted) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_cell("+85291234567"), "\"'+85291234567\"");
  EXPECT_EQ(csv_cell("-1"), "\"'-1\"");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csv_cell("\tcmd"), "\"'\tcmd\"");
  EXPECT_EQ(csv_cell("陳大文, Chan"), "\"陳大文, Chan\"");
  EXPECT_EQ(csv_cell(""), "\"\"");
  EXPECT_EQ(csv_cell("\rcmd"), "\"'\rcmd\"");
  // Only the first character matters: a formula character inside is harmless.
  EXPECT_EQ(csv_cell("name: a -> =b"), "\"name: a -> =b\"");
}

TEST(Formats, CsvLinesQuoteEveryCellAndEndInCrLf) {
  EXPECT_EQ(csv_line({"2026-11-23T10:00", "chan.tm", "陳大文", "=1+1", "line\nbreak"}),
            "\"2026-11-23T10:00\",\"chan.tm\",\"陳大文\",\"'=1+1\",\"line\nbreak\"\r\n");
  EXPECT_EQ(csv_line({""}), "\"\"\r\n");
}

TEST(Formats, IcalendarTextIsEscapedAndLongLinesFoldOutsideCharacters) {
  EXPECT_EQ(ics_text("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
  const auto folded = ics_line("SUMMARY:" + std::string(40, 'x') + "書籍裝訂工作坊書籍裝訂工作坊書籍裝訂工作坊");
  std::size_t start = 0;
  for (auto end = folded.find("\r\n"); end != std::string::npos; start = end + 2, end = folded.find("\r\n", start)) {
    EXPECT_LE(end - start, 75u);
    // No line starts with a UTF-8 continuation byte: characters are never cut.
    if (start > 0) EXPECT_NE(static_cast<unsigned char>(folded[start + 1]) & 0xC0, 0x80);
  }
}

TEST(HttpStatus, EachFailureHasOneStatus) {
  using domain::ErrorCode;
  EXPECT_EQ(http_status_for(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kEditConflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::kTooManyAttempts), 429);
  EXPECT_EQ(http_status_for(ErrorCode::kTooManyEnquiries), 429);
  EXPECT_EQ(http_status_for(ErrorCode::kTooManyEnquiriesForEmail), 429);
  // Anything else is a refused form.
  EXPECT_EQ(http_status_for(ErrorCode::kRequired), 422);
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidCredentials), 422);
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidChoice), 422);
}

TEST(HttpStatus, AFormShowsNotFoundAndNotAllowedAsRefusals) {
  using domain::ErrorCode;
  EXPECT_EQ(PageKit::form_status(domain::failure(ErrorCode::kNotFound)), 422);
  EXPECT_EQ(PageKit::form_status(domain::failure(ErrorCode::kPermissionDenied)), 422);
  EXPECT_EQ(PageKit::form_status(domain::failure(ErrorCode::kTooManyAttempts)), 429);
  EXPECT_EQ(PageKit::form_status(domain::failure(ErrorCode::kEditConflict)), 409);
  EXPECT_EQ(PageKit::form_status(domain::invalid({{"card", ErrorCode::kRequired, {}}})), 422);
}

}  // namespace
}  // namespace shelfmark::web
