#include "core/otp.h"

#include <gtest/gtest.h>

namespace shelfmark::otp {
namespace {

std::string hex(const std::array<std::uint8_t, 20>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (auto byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

// FIPS 180-2 appendix A and the long message of its examples.
TEST(Otp, Sha1MatchesTheStandardsExamples) {
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

// RFC 2202 test cases 1, 2 and 6 (a key longer than the block).
TEST(Otp, HmacSha1MatchesRfc2202) {
  EXPECT_EQ(hex(hmac_sha1(std::string(20, '\x0b'), "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(hex(hmac_sha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex(hmac_sha1(std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

// RFC 4226 appendix D: the secret "12345678901234567890", counters 0 to 9.
TEST(Otp, HotpMatchesRfc4226) {
  const std::string secret = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) EXPECT_EQ(hotp(secret, counter), expected[counter]);
}

// RFC 6238 appendix B, the SHA1 rows (8 digits), and the same times at the 6 digits we use.
TEST(Otp, TotpMatchesRfc6238) {
  const std::string secret = "12345678901234567890";
  struct Row {
    std::int64_t time;
    const char* code;
  };
  const Row rows[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& row : rows) {
    EXPECT_EQ(totp(secret, row.time, 8), row.code) << row.time;
    EXPECT_EQ(totp(secret, row.time), std::string(row.code).substr(2)) << row.time;
  }
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(60), 2);
  EXPECT_EQ(totp_step(0), 0);
}

// RFC 4648 section 10, without padding; decoding accepts what people type.
TEST(Otp, Base32RoundTripsAndMatchesRfc4648) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(base32_decode("mzxw 6ytb oi"), "foobar");
  EXPECT_EQ(base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "12345678901234567890");
  EXPECT_FALSE(base32_decode("MZXW1"));  // 1 is not a base32 digit
  EXPECT_FALSE(base32_decode("MZ=XW"));  // padding only at the end
  const std::string bytes("\x00\xff\x10\x80\x7f\x01\x02\x03\x04\x05", 10);
  EXPECT_EQ(base32_decode(base32_encode(bytes)), bytes);
}

}  // namespace
}  // namespace shelfmark::otp
