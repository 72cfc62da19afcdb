#include "security/sodium.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace shelfmark::security {
namespace {

class SodiumTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(initialise()); }
};

TEST_F(SodiumTest, HashesAreArgon2idAndVerify) {
  Argon2Hasher hasher(test_cost(), 2);
  const auto hash = hasher.hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher.verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher.verify(hash, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.verify("", "x"));
  EXPECT_FALSE(hasher.verify("not a hash", "x"));
  EXPECT_NE(hasher.hash("same"), hasher.hash("same"));  // salted
}

TEST_F(SodiumTest, LongPasswordsAreNotTruncated) {
  Argon2Hasher hasher(test_cost(), 1);
  const std::string long_password(300, 'a');
  const auto hash = hasher.hash(long_password);
  EXPECT_FALSE(hasher.verify(hash, std::string(299, 'a')));
  EXPECT_TRUE(hasher.verify(hash, long_password));
}

TEST_F(SodiumTest, BoundedConcurrencyStillCompletesEveryHash) {
  Argon2Hasher hasher(test_cost(), 1);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ok += hasher.verify(hasher.hash("pw"), "pw") ? 1 : 0; });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, 4);
}

TEST_F(SodiumTest, TokensAreRandomAndDigestsKeyed) {
  SodiumTokens tokens(std::string(32, 'k'));
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(tokens.random_token());
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(tokens.random_token().size(), 43u);
  EXPECT_EQ(tokens.digest("abc"), tokens.digest("abc"));
  SodiumTokens other(std::string(32, 'j'));
  EXPECT_NE(tokens.digest("abc"), other.digest("abc"));
  EXPECT_EQ(tokens.digest("abc").size(), 64u);
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

}  // namespace
}  // namespace shelfmark::security

namespace shelfmark::security {
namespace {

TEST(Sealer, RoundTripsSmallLargeAndEmptyValues) {
  ASSERT_TRUE(initialise());
  SodiumSealer sealer(std::string(64, 'k'));
  for (const std::string plain : {std::string(), std::string("A1234563"), std::string(200 * 1024 + 7, 'x')}) {
    const auto sealed = sealer.seal(plain);
    EXPECT_EQ(sealer.open(sealed), plain);
  }
}

TEST(Sealer, EachValueHasItsOwnKeyAndNoPlaintextShows) {
  SodiumSealer sealer(std::string(64, 'k'));
  const auto a = sealer.seal("MARKER-MARKER-MARKER");
  const auto b = sealer.seal("MARKER-MARKER-MARKER");
  EXPECT_NE(a.key, b.key);
  EXPECT_NE(a.ciphertext, b.ciphertext);
  EXPECT_EQ(a.ciphertext.find("MARKER"), std::string::npos);
}

TEST(Sealer, RefusesOtherKeysTamperingAndTruncation) {
  SodiumSealer sealer(std::string(64, 'k'));
  SodiumSealer other(std::string(64, 'o'));
  const auto sealed = sealer.seal(std::string(100 * 1024, 'y'));
  EXPECT_FALSE(other.open(sealed));
  auto tampered = sealed;
  tampered.ciphertext[40] = tampered.ciphertext[40] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(sealer.open(tampered));
  auto cut = sealed;
  cut.ciphertext.resize(cut.ciphertext.size() / 2 / 4 * 4);
  EXPECT_FALSE(sealer.open(cut));
  EXPECT_FALSE(sealer.open(app::Sealed{"not base64!", "also not"}));
  auto swapped = sealer.seal("other value");
  swapped.ciphertext = sealed.ciphertext;  // a key that belongs to another value
  EXPECT_FALSE(sealer.open(swapped));
}

}  // namespace
}  // namespace shelfmark::security
