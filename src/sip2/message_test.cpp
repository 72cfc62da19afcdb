#include "sip2/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shelfmark::sip2 {
namespace {

// Published examples with their checksums: the spec's (as quoted by client libraries and their tests), Koha's
// constant messages and client test suites. Only those whose checksum is right are here; several examples in
// the spec were mistyped (spaces lost in dates) and do not add up.
const std::vector<std::string> kPublishedMessages = {
    "09N19980821    085721                  APCertification Terminal Location|AOCertification Institute ID|"
    "ABCheckInBook|ACTPWord|BIN|AY2AZD6A5",
    "2519980723    094240AOCertification Institute ID|AAPatronID|AY4AZEBF1",
    "1719980723    100000AOCertification Institute ID|ABItemBook|AY1AZEBEB",
    "3719980723    0932110401USDBV111.11|AOCertification Institute ID|AAPatronID|BKTransactionID|AY2AZE1EF",
    "3519980723    094014AOCertification Institute ID|AAPatronID|AY3AZEBF2",
    "6300119980723    091905Y         AOInstitutionID|AAPatronID|BP00001|BQ00005|AY1AZEA83",
    "01N19960213    162352AO|ALCARD BLOCK TEST|AA104000000705|AC|AY2AZF02F",
    "990 402.00AY1AZFCB4",
    "9900401.00AY1AZFCA5",
    "9300CNuu|COpp|AY1AZF9E9",
    "97AZFEF5",
    "96AZFEF6",
    "941AY3AZFDFA",
    "941AY1AZFDFC",
    "1808000119980723    115615CF00000|ABItemBook|AJTitle For Item Book|CK003|AQPermanent Location for ItemBook, "
    "Language 1|APCurrent Location ItemBook|CHFree-form text with new item property|AY0AZC05B",
};

// ---------------------------------------------------------------------------------------------------------
// Checksum

TEST(Sip2Checksum, MatchesPublishedExamples) {
  for (const auto& message : kPublishedMessages) {
    SCOPED_TRACE(message);
    const auto az = message.rfind("AZ");
    ASSERT_NE(az, std::string::npos);
    EXPECT_EQ(checksum(std::string_view(message).substr(0, az + 2)), message.substr(az + 2));
    EXPECT_EQ(verify_checksum(message), ChecksumCheck::kValid);
  }
}

TEST(Sip2Checksum, SpecCheckinExampleIsD6A5) {
  EXPECT_EQ(checksum("09N19980821    085721                  APCertification Terminal Location|"
                     "AOCertification Institute ID|ABCheckInBook|ACTPWord|BIN|AY2AZ"),
            "D6A5");
  EXPECT_EQ(checksum("97AZ"), "FEF5");
  EXPECT_EQ(checksum(""), "0000");
}

TEST(Sip2Checksum, VerifiesLowerCaseHexAndTrailingLineEnds) {
  EXPECT_EQ(verify_checksum("2519980723    094240AOCertification Institute ID|AAPatronID|AY4AZebf1"),
            ChecksumCheck::kValid);
  EXPECT_EQ(verify_checksum("2519980723    094240AOCertification Institute ID|AAPatronID|AY4AZEBF1 \r\n"),
            ChecksumCheck::kValid);
}

TEST(Sip2Checksum, DetectsWrongAndAbsentChecksums) {
  EXPECT_EQ(verify_checksum("2519980723    094240AOCertification Institute ID|AAPatronId|AY4AZEBF1"),
            ChecksumCheck::kInvalid);
  EXPECT_EQ(verify_checksum("2519980723    094240AOCertification Institute ID|AAPatronID|AY4AZEBF2"),
            ChecksumCheck::kInvalid);
  EXPECT_EQ(verify_checksum("9300CNuser|COpass|"), ChecksumCheck::kAbsent);
  EXPECT_EQ(verify_checksum("9300CNuser|COpass|AY1AZ12G4"), ChecksumCheck::kAbsent);
}

TEST(Sip2Checksum, SumsBytesOfUtf8ButAcceptsCodePointSums) {
  const std::string body = "24              01920250301    143000AOHKCL|AA2000123|AE陳大文|BLY|CQY|AY4AZ";
  EXPECT_EQ(checksum(body), "E9E8");
  EXPECT_EQ(checksum(body, ChecksumBasis::kCodePoints), "9B2F");
  EXPECT_EQ(verify_checksum(body + "E9E8"), ChecksumCheck::kValid);
  EXPECT_EQ(verify_checksum(body + "9B2F"), ChecksumCheck::kValid);
  EXPECT_EQ(verify_checksum(body + "9B30"), ChecksumCheck::kInvalid);
}

// ---------------------------------------------------------------------------------------------------------
// Framing

std::vector<Frame> drain(Framer& framer) {
  std::vector<Frame> frames;
  for (;;) {
    auto result = framer.next();
    if (result.status != FrameStatus::kMessage) {
      EXPECT_EQ(result.status, FrameStatus::kNeedMore);
      return frames;
    }
    frames.push_back(std::move(result.frame));
  }
}

TEST(Sip2Framer, SplitsOnCrLfAndCrLfReportingWhichWasUsed) {
  Framer framer;
  framer.append("9900302.00\r9300CNa|COb|\n1719980723    100000AOx|ABy|\r\n");
  const auto frames = drain(framer);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].message, "9900302.00");
  EXPECT_EQ(frames[0].terminator, Terminator::kCr);
  EXPECT_EQ(frames[1].message, "9300CNa|COb|");
  EXPECT_EQ(frames[1].terminator, Terminator::kLf);
  EXPECT_EQ(frames[2].message, "1719980723    100000AOx|ABy|");
  EXPECT_EQ(frames[2].terminator, Terminator::kCrLf);
  EXPECT_EQ(framer.terminator(), Terminator::kCrLf);
  EXPECT_EQ(framer.buffered(), 0u);
  EXPECT_EQ(terminator_text(Terminator::kCrLf), "\r\n");
  EXPECT_EQ(terminator_text(Terminator::kCr), "\r");
  EXPECT_EQ(terminator_text(Terminator::kLf), "\n");
}

TEST(Sip2Framer, WaitsForTheRestOfAPartialRead) {
  Framer framer;
  framer.append("9300CNus");
  EXPECT_EQ(framer.next().status, FrameStatus::kNeedMore);
  framer.append("er|COpa");
  EXPECT_EQ(framer.next().status, FrameStatus::kNeedMore);
  EXPECT_EQ(framer.buffered(), 15u);
  framer.append("ss|\r99003");
  auto result = framer.next();
  ASSERT_EQ(result.status, FrameStatus::kMessage);
  EXPECT_EQ(result.frame.message, "9300CNuser|COpass|");
  EXPECT_EQ(framer.next().status, FrameStatus::kNeedMore);
  framer.append("02.00\r");
  result = framer.next();
  ASSERT_EQ(result.status, FrameStatus::kMessage);
  EXPECT_EQ(result.frame.message, "9900302.00");
}

TEST(Sip2Framer, TakesManyMessagesFromOneRead) {
  Framer framer;
  std::string read;
  for (int i = 0; i < 5000; ++i) read += "9900302.00\r\n";
  framer.append(read + "9300CN");
  auto frames = drain(framer);
  ASSERT_EQ(frames.size(), 5000u);
  EXPECT_EQ(frames.back().message, "9900302.00");
  EXPECT_EQ(framer.buffered(), 6u);
  framer.append("a|COb|\r\n");
  frames = drain(framer);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].message, "9300CNa|COb|");
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(Sip2Framer, DropsEmptyAndBlankLines) {
  Framer framer;
  framer.append("\r\n\r\n9900302.00\r\n  \r\n\n\r");
  const auto frames = drain(framer);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].message, "9900302.00");
}

TEST(Sip2Framer, ACrlfSplitAcrossReadsIsOneTerminator) {
  Framer framer;
  framer.append("9900302.00\r");
  auto frames = drain(framer);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].terminator, Terminator::kCr);  // nothing better known yet; the client waits for us
  framer.append("\n9300CNa|COb|\r");
  frames = drain(framer);
  ASSERT_EQ(frames.size(), 1u);  // no empty message from the late LF
  EXPECT_EQ(frames[0].message, "9300CNa|COb|");
  // The client ended its first message with CRLF, so this CR at the end of a read is taken as CRLF too.
  EXPECT_EQ(frames[0].terminator, Terminator::kCrLf);
  framer.append("\n");
  EXPECT_TRUE(drain(framer).empty());
  EXPECT_EQ(framer.terminator(), Terminator::kCrLf);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(Sip2Framer, ReportsAndSkipsAnOverlongMessage) {
  Framer framer(16);
  framer.append("12345678901234567");  // 17 bytes and no end in sight
  EXPECT_EQ(framer.next().status, FrameStatus::kTooLong);
  EXPECT_EQ(framer.buffered(), 0u);
  framer.append("more of the same");
  EXPECT_EQ(framer.next().status, FrameStatus::kNeedMore);
  framer.append("tail\r9900302.00\r");
  auto result = framer.next();
  ASSERT_EQ(result.status, FrameStatus::kMessage);
  EXPECT_EQ(result.frame.message, "9900302.00");

  framer.append("12345678901234567\r1234567890123456\r");  // a whole overlong line, then one exactly at the limit
  EXPECT_EQ(framer.next().status, FrameStatus::kTooLong);
  result = framer.next();
  ASSERT_EQ(result.status, FrameStatus::kMessage);
  EXPECT_EQ(result.frame.message, "1234567890123456");
}

TEST(Sip2Framer, DefaultLimitIs64KiB) {
  Framer framer;
  framer.append(std::string(kMaxMessageLength, 'A'));
  EXPECT_EQ(framer.next().status, FrameStatus::kNeedMore);
  framer.append("A");
  EXPECT_EQ(framer.next().status, FrameStatus::kTooLong);
  EXPECT_EQ(framer.buffered(), 0u);
}

// ---------------------------------------------------------------------------------------------------------
// Dates

TEST(Sip2Date, ParsesLocalAndUtcDates) {
  auto local = parse_sip_date("19980821    085721");
  ASSERT_TRUE(local);
  ASSERT_TRUE(local.value().has_value());
  EXPECT_EQ(*local.value(), (SipDate{1998, 8, 21, 8, 57, 21, false}));

  auto utc = parse_sip_date("20240229   Z235959");
  ASSERT_TRUE(utc);
  EXPECT_EQ(*utc.value(), (SipDate{2024, 2, 29, 23, 59, 59, true}));

  auto other_zone = parse_sip_date("20250101 EST120000");
  ASSERT_TRUE(other_zone);
  EXPECT_FALSE(other_zone.value()->is_utc);
}

TEST(Sip2Date, BlankMeansAbsent) {
  auto blank = parse_sip_date(std::string(18, ' '));
  ASSERT_TRUE(blank);
  EXPECT_FALSE(blank.value().has_value());
}

TEST(Sip2Date, RejectsImpossibleDates) {
  for (const std::string text :
       {"20230229    000000", "19981321    000000", "19980800    000000", "19980821    240000", "19980821    086000",
        "19980821    085760", "00000000    000000", "1998O821    085721", "19980821    08:572", "19980821|   085721",
        "19980821    08572", "19980821    0857211", ""}) {
    SCOPED_TRACE(text);
    const auto parsed = parse_sip_date(text);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ParseErrorKind::kInvalidFixedField);
    EXPECT_FALSE(parsed.error().message.empty());
  }
  EXPECT_EQ(parse_sip_date("19980821    08572").error().message, "a SIP date has 18 characters, not 17");
  EXPECT_EQ(parse_sip_date("20230229    000000").error().message, "no such day");
}

TEST(Sip2Date, FormatsEighteenCharacters) {
  EXPECT_EQ(format_sip_date({1998, 8, 21, 8, 57, 21, false}), "19980821    085721");
  EXPECT_EQ(format_sip_date({2025, 3, 1, 0, 0, 5, true}), "20250301   Z000005");
  EXPECT_EQ(format_sip_date({123456, 13, 99, 100, -1, 7, false}), "99991399    990007");
  EXPECT_EQ(kBlankSipDate.size(), kSipDateLength);
}

TEST(Sip2Date, ConvertsWithTheLibraryTimeZone) {
  const auto zone = TimeZone::load("Asia/Hong_Kong");
  ASSERT_TRUE(zone);
  const auto instant = instant_from_unix(1740839405);  // 2025-03-01 14:30:05 UTC
  EXPECT_EQ(to_sip_date(instant, *zone), (SipDate{2025, 3, 1, 22, 30, 5, false}));
  EXPECT_EQ(to_sip_date_utc(instant), (SipDate{2025, 3, 1, 14, 30, 5, true}));
  EXPECT_EQ(to_instant(SipDate{2025, 3, 1, 22, 30, 5, false}, *zone), instant);
  EXPECT_EQ(to_instant(SipDate{2025, 3, 1, 14, 30, 5, true}, *zone), instant);
}

// ---------------------------------------------------------------------------------------------------------
// Parsing: the raw split

TEST(Sip2Parse, SplitsTheSpecCheckinExample) {
  const auto parsed = parse_request(kPublishedMessages[0]);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto& request = parsed.value();
  EXPECT_EQ(request.code, "09");
  EXPECT_EQ(request.fixed, "N19980821    085721                  ");
  const std::vector<Field> fields = {{"AP", "Certification Terminal Location"},
                                     {"AO", "Certification Institute ID"},
                                     {"AB", "CheckInBook"},
                                     {"AC", "TPWord"},
                                     {"BI", "N"}};
  EXPECT_EQ(request.fields, fields);
  EXPECT_EQ(request.sequence, 2);
  EXPECT_EQ(request.checksum, "D6A5");
  EXPECT_EQ(request.checksum_basis, ChecksumBasis::kBytes);
}

TEST(Sip2Parse, ParsesEveryPublishedRequest) {
  for (const auto& message : kPublishedMessages) {
    if (!is_request_code(message.substr(0, 2))) continue;
    SCOPED_TRACE(message);
    const auto parsed = parse_request(message);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(decode(parsed.value())) << decode(parsed.value()).error().message;
  }
}

TEST(Sip2Parse, ToleratesWhatRealClientsSend) {
  // No error detection, no '|' at the end, empty values, trailing spaces and line ends.
  auto parsed = parse_request("9300CNuser|CO|CPmain  \r\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value("CN"), "user");
  EXPECT_EQ(parsed->value("CO"), "");
  EXPECT_EQ(parsed->value("CP"), "main");
  EXPECT_FALSE(parsed->sequence);
  EXPECT_FALSE(parsed->checksum);

  // Stray "||" and a lone character are skipped.
  parsed = parse_request("2300119960212    100239AOx||AAy|Z|ACz|ADw|");
  ASSERT_TRUE(parsed);
  const std::vector<Field> fields = {{"AO", "x"}, {"AA", "y"}, {"AC", "z"}, {"AD", "w"}};
  EXPECT_EQ(parsed->fields, fields);

  // AY/AZ without a '|' before them, with one between them, and a stray '|' after the checksum.
  for (const std::string body : {"2519980723    094240AO|AA42|AC", "2519980723    094240AO|AA42|AC|"}) {
    const std::string with_ay = body + "AY7AZ";
    parsed = parse_request(with_ay + checksum(with_ay) + "|");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->sequence, 7);
    EXPECT_EQ(parsed->value("AC"), "");
    EXPECT_EQ(parsed->fields.size(), 3u);
  }
  const std::string split_trailer = "2519980723    094240AO|AA42|AY3|AZ";
  parsed = parse_request(split_trailer + checksum(split_trailer));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->sequence, 3);
  EXPECT_EQ(parsed->value("AA"), "42");

  // A value that happens to end in "AY<digit>" before a '|' is not the sequence number.
  const std::string playful = "1719980723    100000AOx|ABPLAY1|AZ";
  parsed = parse_request(playful + checksum(playful));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->sequence);
  EXPECT_EQ(parsed->value("AB"), "PLAY1");

  // AY as an ordinary last field without AZ.
  parsed = parse_request("2519980723    094240AO|AA42|AY5|");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->sequence, 5);
  EXPECT_FALSE(parsed->checksum);
}

TEST(Sip2Parse, KeepsTrailingSpacesThatBelongToTheFixedPart) {
  const auto parsed = parse_request("09N19980821    085721                  \r");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->fixed.size(), 37u);
  EXPECT_TRUE(parsed->fields.empty());
  const auto checkin = decode(parsed.value());
  ASSERT_TRUE(checkin);
  EXPECT_FALSE(std::get<CheckinRequest>(checkin.value()).return_date);
}

TEST(Sip2Parse, KeepsRepeatedAndUtf8Fields) {
  const std::string body = "6300120250301    143000          AOHKCL|AA2000123|AD密碼|AY5AZ";
  auto parsed = parse_request(body + "EF43");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("AD"), "密碼");
  EXPECT_EQ(parsed->checksum_basis, ChecksumBasis::kBytes);
  parsed = parse_request(body + "1f20");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->checksum_basis, ChecksumBasis::kCodePoints);

  parsed = parse_request("09N19980821    085721                  AP香港中央圖書館|AOHKCL|AB1|AC|CHa|CHb|");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value("AP"), "香港中央圖書館");
  EXPECT_EQ(parsed->values("CH"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->value("CH"), "a");
  EXPECT_TRUE(parsed->has("AC"));
  EXPECT_FALSE(parsed->has("AD"));
  EXPECT_EQ(parsed->value_or_empty("AD"), "");
}

TEST(Sip2Parse, DetectsABadChecksum) {
  const std::string tampered =
      "09N19980821    085721                  APCertification Terminal Location|AOCertification Institute ID|"
      "ABCheckInBooK|ACTPWord|BIN|AY2AZD6A5";
  const auto parsed = parse_request(tampered);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kChecksumMismatch);
  EXPECT_EQ(parsed.error().code, "09");
  EXPECT_EQ(parsed.error().message, "message 09: checksum D6A5 is wrong; it should be D6C5");

  const auto unchecked = parse_request(tampered, ParseOptions{.verify_checksum = false});
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(unchecked->value("AB"), "CheckInBooK");
  EXPECT_EQ(unchecked->checksum, "D6A5");
}

TEST(Sip2Parse, RejectsMalformedErrorDetection) {
  auto parsed = parse_request("2519980723    094240AO|AA42|AYx|");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kBadErrorDetection);
  EXPECT_EQ(parsed.error().message, "message 25: the sequence number (AY) must be one digit 0-9, not \"x\"");

  parsed = parse_request("2519980723    094240AO|AA42|AY1AZ12G4");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kBadErrorDetection);

  parsed = parse_request("2519980723    094240AO|AZFFFF|AA42|");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kBadErrorDetection);
}

TEST(Sip2Parse, RejectsShortFixedPartsWithAClearMessage) {
  // The spec's own checkout example lacks its due date, so the fields take its place; decode notices.
  auto parsed = parse_request("11YN19960212    100514AO|AA104000000105|AB000000000005792|AC|");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(decode(parsed.value()));

  parsed = parse_request("11YN19960212    100514");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kFixedFieldsTooShort);
  EXPECT_EQ(parsed.error().code, "11");
  EXPECT_EQ(parsed.error().message,
            "message 11 is 22 characters long; its fixed fields need 38 after the 2-digit code");

  parsed = parse_request("6300119980723    091905\r\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message,
            "message 63 is 23 characters long; its fixed fields need 31 after the 2-digit code");

  parsed = parse_request("93");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kFixedFieldsTooShort);
}

TEST(Sip2Parse, RejectsUnknownCodesAndScraps) {
  auto parsed = parse_request("121NNY20220721    223455AO|");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kUnknownCode);
  EXPECT_EQ(parsed.error().code, "12");
  EXPECT_EQ(parsed.error().message, "\"12\" is not the code of a SIP2 request");

  parsed = parse_request("\x01Zhello");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseErrorKind::kUnknownCode);
  EXPECT_EQ(parsed.error().code, "");
  EXPECT_EQ(parsed.error().message, "\"?Z\" is not the code of a SIP2 request");

  for (const std::string text : {"", "9", "\r\n"}) {
    parsed = parse_request(text);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ParseErrorKind::kTooShort);
  }
}

TEST(Sip2Parse, KnowsEveryFixedLength) {
  const std::vector<std::pair<std::string, std::size_t>> requests = {
      {"93", 2},  {"99", 8},  {"23", 21}, {"63", 31}, {"11", 38}, {"09", 37}, {"17", 18}, {"19", 18},
      {"29", 38}, {"65", 18}, {"15", 19}, {"35", 18}, {"37", 25}, {"25", 18}, {"01", 19}, {"97", 0}};
  for (const auto& [code, length] : requests) {
    EXPECT_EQ(fixed_length(code), length) << code;
    EXPECT_TRUE(is_request_code(code)) << code;
  }
  EXPECT_EQ(fixed_length("98"), 34u);
  EXPECT_EQ(fixed_length("64"), 59u);
  EXPECT_EQ(fixed_length("24"), 35u);
  EXPECT_EQ(fixed_length("12"), 22u);
  EXPECT_FALSE(is_request_code("98"));
  EXPECT_FALSE(fixed_length("42"));
}

// ---------------------------------------------------------------------------------------------------------
// Decoding each request

template <class T>
T decoded(const std::string& message) {
  const auto parsed = parse_request(message);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  if (!parsed) return T{};
  const auto typed = decode(parsed.value());
  EXPECT_TRUE(typed) << (typed ? "" : typed.error().message);
  if (!typed) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(typed.value()));
  return std::holds_alternative<T>(typed.value()) ? std::get<T>(typed.value()) : T{};
}

TEST(Sip2Decode, Login) {
  const auto login = decoded<LoginRequest>("9300CNuu|COpp|AY1AZF9E9");
  EXPECT_EQ(login.uid_algorithm, '0');
  EXPECT_EQ(login.pwd_algorithm, '0');
  EXPECT_EQ(login.login_user_id, "uu");
  EXPECT_EQ(login.login_password, "pp");
  EXPECT_FALSE(login.location_code);
  EXPECT_EQ(decoded<LoginRequest>("9300CPbranch|COsecret|CNselfcheck1|").location_code, "branch");
}

TEST(Sip2Decode, ScStatus) {
  const auto status = decoded<ScStatusRequest>("990 402.00AY1AZFCB4");
  EXPECT_EQ(status.status_code, '0');
  EXPECT_EQ(status.max_print_width, 40);
  EXPECT_EQ(status.protocol_version, "2.00");
  EXPECT_FALSE(decoded<ScStatusRequest>("991   2.00").max_print_width);
}

TEST(Sip2Decode, PatronStatus) {
  const auto status = decoded<PatronStatusRequest>("2300119960212    100239AOid_21|AA104000000105|AC|AD|");
  EXPECT_EQ(status.language, "001");
  EXPECT_EQ(status.transaction_date, (SipDate{1996, 2, 12, 10, 2, 39, false}));
  EXPECT_EQ(status.institution_id, "id_21");
  EXPECT_EQ(status.patron_id, "104000000105");
  EXPECT_EQ(status.terminal_password, "");
  EXPECT_EQ(status.patron_password, "");
}

TEST(Sip2Decode, PatronInformation) {
  const auto info = decoded<PatronInformationRequest>(kPublishedMessages[5]);
  EXPECT_EQ(info.language, "001");
  EXPECT_EQ(info.transaction_date, (SipDate{1998, 7, 23, 9, 19, 5, false}));
  EXPECT_EQ(info.summary, SummaryItem::kHoldItems);
  EXPECT_EQ(info.institution_id, "InstitutionID");
  EXPECT_EQ(info.patron_id, "PatronID");
  EXPECT_FALSE(info.terminal_password);
  EXPECT_FALSE(info.patron_password);
  EXPECT_EQ(info.start_item, 1);
  EXPECT_EQ(info.end_item, 5);

  const auto plain = decoded<PatronInformationRequest>("6301920250301   Z143000  Y       AA2000123|ADpin|AO|BPabc|");
  EXPECT_EQ(plain.language, "019");
  EXPECT_TRUE(plain.transaction_date->is_utc);
  EXPECT_EQ(plain.summary, SummaryItem::kChargedItems);
  EXPECT_EQ(plain.institution_id, "");
  EXPECT_EQ(plain.patron_password, "pin");
  EXPECT_FALSE(plain.start_item);
  EXPECT_FALSE(plain.end_item);
}

TEST(Sip2Decode, CheckoutWithFieldsInAnyOrder) {
  const auto checkout = decoded<CheckoutRequest>(
      "11YN20250301    14300020250315    235900AB31234000123456|AC|AA2000123|AO|BON|ADpw|CHprops|BIY|");
  EXPECT_TRUE(checkout.sc_renewal_policy);
  EXPECT_FALSE(checkout.no_block);
  EXPECT_EQ(checkout.transaction_date, (SipDate{2025, 3, 1, 14, 30, 0, false}));
  EXPECT_EQ(checkout.nb_due_date, (SipDate{2025, 3, 15, 23, 59, 0, false}));
  EXPECT_EQ(checkout.institution_id, "");
  EXPECT_EQ(checkout.patron_id, "2000123");
  EXPECT_EQ(checkout.item_id, "31234000123456");
  EXPECT_EQ(checkout.terminal_password, "");
  EXPECT_EQ(checkout.item_properties, "props");
  EXPECT_EQ(checkout.patron_password, "pw");
  EXPECT_EQ(checkout.fee_acknowledged, false);
  EXPECT_EQ(checkout.cancel, true);

  const auto offline =
      decoded<CheckoutRequest>("11NY20250301    143000                  AOHKCL|AA2000123|AB31234000123456|AC|");
  EXPECT_TRUE(offline.no_block);
  EXPECT_FALSE(offline.nb_due_date);
  EXPECT_FALSE(offline.fee_acknowledged);
  EXPECT_FALSE(offline.cancel);
  EXPECT_FALSE(offline.patron_password);
}

TEST(Sip2Decode, Checkin) {
  const auto checkin = decoded<CheckinRequest>(kPublishedMessages[0]);
  EXPECT_FALSE(checkin.no_block);
  EXPECT_EQ(checkin.transaction_date, (SipDate{1998, 8, 21, 8, 57, 21, false}));
  EXPECT_FALSE(checkin.return_date);
  EXPECT_EQ(checkin.current_location, "Certification Terminal Location");
  EXPECT_EQ(checkin.institution_id, "Certification Institute ID");
  EXPECT_EQ(checkin.item_id, "CheckInBook");
  EXPECT_EQ(checkin.terminal_password, "TPWord");
  EXPECT_EQ(checkin.cancel, false);
  EXPECT_FALSE(checkin.item_properties);
}

TEST(Sip2Decode, ItemInformationAndStatusUpdate) {
  const auto info = decoded<ItemInformationRequest>(kPublishedMessages[2]);
  EXPECT_EQ(info.transaction_date, (SipDate{1998, 7, 23, 10, 0, 0, false}));
  EXPECT_EQ(info.institution_id, "Certification Institute ID");
  EXPECT_EQ(info.item_id, "ItemBook");
  EXPECT_FALSE(info.terminal_password);

  const auto update = decoded<ItemStatusUpdateRequest>("1920250301    143000ABx1|CHreference only|AOHKCL|ACt|");
  EXPECT_EQ(update.item_id, "x1");
  EXPECT_EQ(update.item_properties, "reference only");
  EXPECT_EQ(update.terminal_password, "t");
}

TEST(Sip2Decode, RenewAndRenewAll) {
  const auto renew =
      decoded<RenewRequest>("29NN20250301    143000                  AOHKCL|AA2000123|AB31234000123456|BOY|");
  EXPECT_FALSE(renew.third_party_allowed);
  EXPECT_FALSE(renew.no_block);
  EXPECT_FALSE(renew.nb_due_date);
  EXPECT_EQ(renew.item_id, "31234000123456");
  EXPECT_FALSE(renew.title_id);
  EXPECT_EQ(renew.fee_acknowledged, true);

  const auto all = decoded<RenewAllRequest>("6520250301    143000AOHKCL|AA2000123|ADpin|");
  EXPECT_EQ(all.patron_id, "2000123");
  EXPECT_EQ(all.patron_password, "pin");
  EXPECT_FALSE(all.terminal_password);
}

TEST(Sip2Decode, Hold) {
  const auto hold =
      decoded<HoldRequest>("15+20250301    143000BW20250401    000000|BSCentral|BY2|AOHKCL|AA2000123|AJSome title|");
  EXPECT_EQ(hold.mode, HoldMode::kAdd);
  EXPECT_EQ(hold.expiration_date, (SipDate{2025, 4, 1, 0, 0, 0, false}));
  EXPECT_EQ(hold.pickup_location, "Central");
  EXPECT_EQ(hold.hold_type, "2");
  EXPECT_EQ(hold.title_id, "Some title");
  EXPECT_FALSE(hold.item_id);
  EXPECT_EQ(decoded<HoldRequest>("15-20250301    143000AO|AA1|BW|").mode, HoldMode::kDelete);
  EXPECT_FALSE(decoded<HoldRequest>("15*20250301    143000AO|AA1|BW|").expiration_date);

  auto parsed = parse_request("15?20250301    143000AO|AA1|");
  ASSERT_TRUE(parsed);
  auto typed = decode(parsed.value());
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().kind, ParseErrorKind::kInvalidFixedField);
  EXPECT_EQ(typed.error().message, "message 15: hold mode \"?\" is not + (add), - (delete) or * (change)");

  parsed = parse_request("15+20250301    143000AO|AA1|BW2025-04-01|");
  ASSERT_TRUE(parsed);
  typed = decode(parsed.value());
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().message,
            "message 15: expiration date (BW) \"2025-04-01\": a SIP date has 18 characters, not 10");
}

TEST(Sip2Decode, EndSessionFeePaidEnableBlockAndResend) {
  const auto end = decoded<EndPatronSessionRequest>(kPublishedMessages[4]);
  EXPECT_EQ(end.patron_id, "PatronID");
  EXPECT_FALSE(end.patron_password);

  const auto fee = decoded<FeePaidRequest>(kPublishedMessages[3]);
  EXPECT_EQ(fee.transaction_date, (SipDate{1998, 7, 23, 9, 32, 11, false}));
  EXPECT_EQ(fee.fee_type, "04");
  EXPECT_EQ(fee.payment_type, "01");
  EXPECT_EQ(fee.currency_type, "USD");
  EXPECT_EQ(fee.fee_amount, "111.11");
  EXPECT_EQ(fee.transaction_id, "TransactionID");
  EXPECT_FALSE(fee.fee_identifier);

  const auto enable = decoded<PatronEnableRequest>(kPublishedMessages[1]);
  EXPECT_EQ(enable.institution_id, "Certification Institute ID");
  EXPECT_EQ(enable.patron_id, "PatronID");

  const auto block = decoded<BlockPatronRequest>(kPublishedMessages[6]);
  EXPECT_FALSE(block.card_retained);
  EXPECT_EQ(block.transaction_date, (SipDate{1996, 2, 13, 16, 23, 52, false}));
  EXPECT_EQ(block.blocked_card_message, "CARD BLOCK TEST");
  EXPECT_EQ(block.patron_id, "104000000705");
  EXPECT_EQ(block.institution_id, "");
  EXPECT_TRUE(decoded<BlockPatronRequest>("01Y19960213    162352AO|AL|AA1|AC|").card_retained);

  const auto parsed = parse_request("97AZFEF5");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->sequence);
  EXPECT_EQ(parsed->checksum, "FEF5");
  const auto resend = decode(parsed.value());
  ASSERT_TRUE(resend);
  EXPECT_TRUE(std::holds_alternative<RequestAcsResend>(resend.value()));
}

TEST(Sip2Decode, RejectsAnInvalidTransactionDateNamingTheField) {
  const auto parsed = parse_request("11YN20251301    143000                  AO|AA1|AB2|AC|");
  ASSERT_TRUE(parsed);
  const auto typed = decode(parsed.value());
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().kind, ParseErrorKind::kInvalidFixedField);
  EXPECT_EQ(typed.error().code, "11");
  EXPECT_EQ(typed.error().message, "message 11: transaction date \"20251301    143000\": no such day");
}

TEST(Sip2Decode, RejectsHandMadeRequestsWithTheWrongFixedLength) {
  Request request;
  request.code = "11";
  request.fixed = "YN";
  const auto typed = decode(request);
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().kind, ParseErrorKind::kFixedFieldsTooShort);
  request.code = "24";
  EXPECT_EQ(decode(request).error().kind, ParseErrorKind::kUnknownCode);
}

// ---------------------------------------------------------------------------------------------------------
// Building replies

TEST(Sip2Build, ReproducesThePublishedCheckinResponse) {
  const auto reply = ResponseBuilder(msg::kCheckinResponse)
                         .fixed('1')
                         .fixed(yes_no(true))
                         .fixed(yes_no(false))
                         .fixed('N')
                         .fixed(format_sip_date({1998, 8, 21, 8, 57, 21, false}))
                         .field(fid::kInstitutionId, "Certification Institute ID")
                         .field(fid::kItemId, "CheckInBook")
                         .field(fid::kPermanentLocation, "Permanent Location for CheckinBook, Language 1")
                         .field(fid::kTitleId, "Title For CheckinBook")
                         .field(fid::kPatronId, "GoodPatron1")
                         .field(fid::kMediaType, "001")
                         .field(fid::kItemProperties, "CheckinBook Properties")
                         .field(fid::kSortBin, "sort bin A1")
                         .field(fid::kScreenMessage, "Screen Message for CheckInBook")
                         .field(fid::kPrintLine, "Print Line for CheckInBook")
                         .finish({Terminator::kCr, 2, true});
  EXPECT_EQ(reply,
            "101YNN19980821    085721AOCertification Institute ID|ABCheckInBook|AQPermanent Location for "
            "CheckinBook, Language 1|AJTitle For CheckinBook|AAGoodPatron1|CK001|CHCheckinBook Properties|CLsort "
            "bin A1|AFScreen Message for CheckInBook|AGPrint Line for CheckInBook|AY2AZA3FF\r");
}

TEST(Sip2Build, ReproducesPublishedCheckoutAndEndSessionResponses) {
  const auto checkout = ResponseBuilder("12")
                            .fixed("1NNY")
                            .fixed(format_sip_date({2022, 7, 21, 22, 34, 55, false}))
                            .field(fid::kInstitutionId, "")
                            .field(fid::kPatronId, "104000000105")
                            .field(fid::kItemId, "000000000005792")
                            .field(fid::kTitleId, "")
                            .field(fid::kDueDate, format_sip_date({2022, 8, 1, 23, 59, 0, false}))
                            .field(fid::kScreenMessage, "Item cannot be charged : see help desk")
                            .field(fid::kPrintLine, "Item can not be charged : see help desk")
                            .finish({Terminator::kCrLf, 3, true});
  EXPECT_EQ(checkout,
            "121NNY20220721    223455AO|AA104000000105|AB000000000005792|AJ|AH20220801    235900|AFItem cannot be "
            "charged : see help desk|AGItem can not be charged : see help desk|AY3AZCF7E\r\n");

  const auto end = ResponseBuilder(msg::kEndSessionResponse)
                       .fixed(yes_no(true))
                       .fixed(format_sip_date({1998, 7, 23, 11, 6, 58, false}))
                       .field(fid::kInstitutionId, "InstitutionID for PatronID")
                       .field(fid::kPatronId, "PatronID")
                       .repeated_field(fid::kScreenMessage, {"ScreenMessage 0 for PatronID, Language 1",
                                                             "Screen Message 1 for PatronID, Language 1",
                                                             "Screen Message 2 for PatronID, Language 1"})
                       .repeated_field(fid::kPrintLine, {"Print Line 0 for PatronID, Language 1",
                                                         "Print Line 1 for PatronID, Language 1",
                                                         "Print Line 2 for PatronID, language 1"})
                       .finish({Terminator::kLf, 5, true});
  EXPECT_EQ(end,
            "36Y19980723    110658AOInstitutionID for PatronID|AAPatronID|AFScreenMessage 0 for PatronID, Language "
            "1|AFScreen Message 1 for PatronID, Language 1|AFScreen Message 2 for PatronID, Language 1|AGPrint Line "
            "0 for PatronID, Language 1|AGPrint Line 1 for PatronID, Language 1|AGPrint Line 2 for PatronID, "
            "language 1|AY5AZ970F\n");
}

TEST(Sip2Build, MirrorsTheRequestsErrorDetection) {
  auto request = parse_request("9300CNuu|COpp|AY1AZF9E9");
  ASSERT_TRUE(request);
  EXPECT_EQ(ResponseBuilder(msg::kLoginResponse).fixed('1').finish(reply_options(*request, Terminator::kCr)),
            "941AY1AZFDFC\r");

  request = parse_request("9300CNuu|COpp|");
  ASSERT_TRUE(request);
  EXPECT_EQ(ResponseBuilder(msg::kLoginResponse).fixed('1').finish(reply_options(*request, Terminator::kCrLf)),
            "941\r\n");

  request = parse_request("97AZFEF5");
  ASSERT_TRUE(request);
  EXPECT_EQ(ResponseBuilder(msg::kRequestScResend).finish(reply_options(*request, Terminator::kCr)), "96AZFEF6\r");

  request = parse_request("9300CNuu|COpp|AY4|");  // a sequence number alone still turns error detection on
  ASSERT_TRUE(request);
  const auto reply = ResponseBuilder(msg::kLoginResponse).fixed('0').finish(reply_options(*request, Terminator::kCr));
  EXPECT_EQ(reply.substr(0, 8), "940AY4AZ");
  EXPECT_EQ(verify_checksum(reply), ChecksumCheck::kValid);
}

TEST(Sip2Build, KeepsUtf8AndSanitisesWhatSip2CannotCarry) {
  const auto builder = ResponseBuilder(msg::kPatronStatusResponse)
                           .fixed(format_patron_status({}))
                           .fixed(kLanguageChinese)
                           .fixed(format_sip_date({2025, 3, 1, 14, 30, 0, false}))
                           .field(fid::kInstitutionId, "HKCL")
                           .field(fid::kPatronId, "2000123")
                           .field(fid::kPersonalName, "陳大文")
                           .field(fid::kValidPatron, "Y")
                           .field(fid::kValidPatronPassword, "Y");
  EXPECT_EQ(builder.finish({Terminator::kCr, 4, true}),
            "24              01920250301    143000AOHKCL|AA2000123|AE陳大文|BLY|CQY|AY4AZE9E8\r");
  EXPECT_EQ(builder.finish({Terminator::kCr, 4, true, ChecksumBasis::kCodePoints}),
            "24              01920250301    143000AOHKCL|AA2000123|AE陳大文|BLY|CQY|AY4AZ9B2F\r");

  const auto cleaned = ResponseBuilder("18")
                           .fixed("03|1\r01")
                           .field(fid::kTitleId, "A | B\r\nline two\nthree\ttab\x01")
                           .optional_field(fid::kDueDate, std::nullopt)
                           .optional_field(fid::kPermanentLocation, std::string("Central"))
                           .finish({});
  EXPECT_EQ(cleaned, "1803 1 01AJA / B line two three tab|AQCentral|\r");
}

TEST(Sip2Build, BuildsAPatronInformationResponseToTheByte) {
  PatronStatus status;
  status.card_reported_lost = true;
  status.excessive_outstanding_fines = true;
  const auto text = ResponseBuilder(msg::kPatronInformationResponse)
                        .fixed(format_patron_status(status))
                        .fixed(kLanguageEnglish)
                        .fixed(format_sip_date({1998, 7, 23, 10, 40, 9, false}))
                        .fixed(format_count(1))
                        .fixed(format_count(0))
                        .fixed(format_count(2))
                        .fixed(format_count(1))
                        .fixed(format_count(2))
                        .fixed(format_count(std::nullopt))
                        .field(fid::kInstitutionId, "HKCL")
                        .text();
  EXPECT_EQ(text,
            "64    Y     Y   00119980723    1040090001000000020001"
            "0002    AOHKCL|");
  EXPECT_EQ(text.size(), 2 + *fixed_length("64") + 7);
}

TEST(Sip2Build, RoundTripsThroughTheParser) {
  const auto message = ResponseBuilder(msg::kCheckout)
                           .fixed("YN")
                           .fixed(format_sip_date({2025, 3, 1, 14, 30, 0, false}))
                           .fixed(kBlankSipDate)
                           .field(fid::kInstitutionId, "HKCL")
                           .field(fid::kPatronId, "2000123")
                           .field(fid::kItemId, "31234|000123456")
                           .field(fid::kTerminalPassword, "")
                           .finish({Terminator::kCrLf, 9, true});
  Framer framer;
  framer.append(message);
  const auto frame = framer.next();
  ASSERT_EQ(frame.status, FrameStatus::kMessage);
  EXPECT_EQ(frame.frame.terminator, Terminator::kCrLf);
  const auto parsed = parse_request(frame.frame.message);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->sequence, 9);
  const auto checkout = decode(parsed.value());
  ASSERT_TRUE(checkout);
  EXPECT_EQ(std::get<CheckoutRequest>(checkout.value()).item_id, "31234/000123456");
}

TEST(Sip2Build, FormatsFixedFieldHelpers) {
  EXPECT_EQ(yes_no(true), 'Y');
  EXPECT_EQ(yes_no(false), 'N');
  EXPECT_EQ(yes_blank(false), ' ');
  EXPECT_EQ(yes_no_unknown(std::nullopt), 'U');
  EXPECT_EQ(yes_no_unknown(true), 'Y');
  EXPECT_EQ(format_count(3), "0003");
  EXPECT_EQ(format_count(123456), "9999");
  EXPECT_EQ(format_count(-2), "0000");
  EXPECT_EQ(format_count(std::nullopt), "    ");
  EXPECT_EQ(format_number(10, 3), "010");
  EXPECT_EQ(format_number(5, 5), "00005");
  EXPECT_EQ(format_patron_status({}), std::string(14, ' '));
  PatronStatus all_denied{true, true, true, true, true, true, true, true, true, true, true, true, true, true};
  EXPECT_EQ(format_patron_status(all_denied), std::string(14, 'Y'));
  PatronStatus billed;
  billed.charge_privileges_denied = true;
  billed.too_many_items_billed = true;
  EXPECT_EQ(format_patron_status(billed), "Y            Y");
  EXPECT_EQ(format_summary(SummaryItem::kChargedItems), "  Y       ");
  EXPECT_EQ(format_summary(std::nullopt), "          ");
  EXPECT_EQ(parse_summary("Y         "), SummaryItem::kHoldItems);
  EXPECT_EQ(parse_summary("     Y    "), SummaryItem::kUnavailableHolds);
  EXPECT_EQ(parse_summary("      Y   "), std::nullopt);  // positions 7-10 are undefined
  EXPECT_EQ(parse_summary(""), std::nullopt);
  EXPECT_EQ(
      format_supported_messages({msg::kPatronStatus, msg::kCheckout, msg::kCheckin, msg::kBlockPatron, msg::kScStatus,
                                 msg::kRequestAcsResend, msg::kLogin, msg::kPatronInformation, msg::kEndPatronSession,
                                 msg::kFeePaid, msg::kItemInformation, msg::kHold, msg::kRenew, msg::kRenewAll}),
      "YYYYYYYYYYYNNYYY");
  EXPECT_EQ(format_supported_messages({msg::kLogin}), "NNNNNNYNNNNNNNNN");
}

}  // namespace
}  // namespace shelfmark::sip2
