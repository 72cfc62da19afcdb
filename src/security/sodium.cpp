#include "security/sodium.h"

#include <sodium.h>

#include <stdexcept>

namespace shelfmark::security {

bool initialise() { return sodium_init() >= 0; }

Argon2Cost interactive_cost() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
Argon2Cost test_cost() { return {crypto_pwhash_OPSLIMIT_MIN, 8192}; }

class Argon2Hasher::Slot {
 public:
  explicit Slot(Argon2Hasher& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    owner_.available_.wait(lock, [&] { return owner_.in_flight_ < owner_.max_in_flight_; });
    ++owner_.in_flight_;
  }
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.in_flight_;
    }
    owner_.available_.notify_one();
  }

 private:
  Argon2Hasher& owner_;
};

Argon2Hasher::Argon2Hasher(Argon2Cost cost, int max_in_flight)
    : cost_(cost), max_in_flight_(std::max(1, max_in_flight)) {}

std::string Argon2Hasher::hash(std::string_view password) {
  Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops_limit, cost_.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("argon2id hashing ran out of memory");
  return out;
}

bool Argon2Hasher::verify(const std::string& stored_hash, std::string_view password) {
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  Slot slot(*this);
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

SodiumTokens::SodiumTokens(std::string key) : key_(std::move(key)) {
  if (key_.size() < crypto_generichash_KEYBYTES_MIN) throw std::invalid_argument("digest key too short");
  if (key_.size() > crypto_generichash_KEYBYTES_MAX) key_.resize(crypto_generichash_KEYBYTES_MAX);
}

std::string SodiumTokens::random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return base64url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string SodiumTokens::digest(std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string random_bytes_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

std::string base64url(std::string_view bytes) {
  const auto length = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(length, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace shelfmark::security
