// One-time passwords for two-factor sign-in: SHA-1 (FIPS 180-4), HMAC-SHA1 (RFC 2104), HOTP (RFC 4226),
// TOTP (RFC 6238) and base32 (RFC 4648) for the secret an authenticator app is given. Pure computation, no
// I/O and no clock (the time is passed in), so domain rules and use cases may call it directly. libsodium,
// our crypto library, has no SHA-1, which authenticator apps require (ADR 0022).
//
// Thread safety: free functions over their arguments only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shelfmark::otp {

std::array<std::uint8_t, 20> sha1(std::string_view message);
std::array<std::uint8_t, 20> hmac_sha1(std::string_view key, std::string_view message);

// RFC 4226: the `digits`-digit code of `key` for `counter`, zero-padded ("004512").
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6);

// RFC 6238 with the parameters every authenticator app uses: 30-second steps counted from the Unix epoch.
inline constexpr std::int64_t kStepSeconds = 30;
inline constexpr int kDigits = 6;
std::int64_t totp_step(std::int64_t unix_seconds);
std::string totp(std::string_view key, std::int64_t unix_seconds, int digits = kDigits);

// RFC 4648 base32 without padding ("JBSWY3DPEHPK3PXP"), as authenticator apps expect the secret.
std::string base32_encode(std::string_view bytes);
// Accepts lower case, spaces and padding, as people type a secret; nullopt for anything else.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace shelfmark::otp
