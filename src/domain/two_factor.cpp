#include "domain/two_factor.h"

#include <cctype>

#include "core/otp.h"

namespace shelfmark::domain {
namespace {

std::string percent_encode_label(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string otpauth_uri(std::string_view issuer, std::string_view username, std::string_view base32_secret) {
  const auto issuer_text = percent_encode_label(issuer);
  return "otpauth://totp/" + issuer_text + ":" + percent_encode_label(username) +
         "?secret=" + std::string(base32_secret) + "&issuer=" + issuer_text;
}

std::optional<std::int64_t> accepted_totp_step(std::string_view secret, std::string_view code, Instant now,
                                               std::optional<std::int64_t> last_used_step) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.size() != static_cast<std::size_t>(otp::kDigits)) return std::nullopt;
  const auto current = otp::totp_step(unix_seconds(now));
  for (auto step = current - TwoFactorRules::kWindowSteps; step <= current + TwoFactorRules::kWindowSteps; ++step) {
    if (step < 0 || (last_used_step && step <= *last_used_step)) continue;
    if (otp::hotp(secret, static_cast<std::uint64_t>(step)) == digits) return step;
  }
  return std::nullopt;
}

std::string format_recovery_code(std::string_view random_letters) {
  std::string out;
  for (std::size_t i = 0; i < random_letters.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += random_letters[i];
  }
  return out;
}

std::string normal_recovery_code(std::string_view typed) {
  std::string out;
  for (unsigned char c : typed) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

bool looks_like_totp_code(std::string_view typed) {
  std::size_t digits = 0;
  for (char c : typed) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return false;
    ++digits;
  }
  return digits == static_cast<std::size_t>(otp::kDigits);
}

bool role_requires_two_factor(const std::map<Role, bool>& policies, Role role) {
  auto it = policies.find(role);
  return it != policies.end() && it->second;
}

}  // namespace shelfmark::domain
