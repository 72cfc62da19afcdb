#include "security/sodium.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace shelfmark::security {

bool initialise() { return sodium_init() >= 0; }

Argon2Cost interactive_cost() { return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE}; }
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

namespace {

constexpr std::size_t kChunk = 64 * 1024;

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &size, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(size);
  return out;
}

}  // namespace

SodiumSealer::SodiumSealer(std::string_view server_secret) {
  // A key of its own for sealing, derived from the server secret: the secret also keys digests.
  static constexpr char kContext[] = "shelfmark sealing key v1";
  crypto_generichash(master_key_, sizeof master_key_, reinterpret_cast<const unsigned char*>(kContext),
                     sizeof kContext - 1, reinterpret_cast<const unsigned char*>(server_secret.data()),
                     std::min<std::size_t>(server_secret.size(), crypto_generichash_KEYBYTES_MAX));
}

SodiumSealer::~SodiumSealer() { sodium_memzero(master_key_, sizeof master_key_); }

app::Sealed SodiumSealer::seal(std::string_view plain) {
  unsigned char value_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(value_key);

  std::string cipher(crypto_secretstream_xchacha20poly1305_HEADERBYTES, '\0');
  crypto_secretstream_xchacha20poly1305_state state;
  crypto_secretstream_xchacha20poly1305_init_push(&state, reinterpret_cast<unsigned char*>(cipher.data()), value_key);
  std::size_t at = 0;
  do {
    const auto size = std::min(kChunk, plain.size() - at);
    const bool last = at + size == plain.size();
    const auto offset = cipher.size();
    cipher.resize(offset + size + crypto_secretstream_xchacha20poly1305_ABYTES);
    crypto_secretstream_xchacha20poly1305_push(
        &state, reinterpret_cast<unsigned char*>(cipher.data() + offset), nullptr,
        reinterpret_cast<const unsigned char*>(plain.data() + at), size, nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    at += size;
  } while (at < plain.size());

  unsigned char boxed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof value_key];
  randombytes_buf(boxed, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(boxed + crypto_secretbox_NONCEBYTES, value_key, sizeof value_key, boxed, master_key_);
  sodium_memzero(value_key, sizeof value_key);
  return app::Sealed{to_base64(boxed, sizeof boxed),
                     to_base64(reinterpret_cast<const unsigned char*>(cipher.data()), cipher.size())};
}

std::optional<std::string> SodiumSealer::open(const app::Sealed& sealed) {
  const auto boxed = from_base64(sealed.key);
  const auto cipher = from_base64(sealed.ciphertext);
  unsigned char value_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  if (!boxed || !cipher ||
      boxed->size() != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof value_key ||
      cipher->size() < crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    return std::nullopt;
  const auto* box = reinterpret_cast<const unsigned char*>(boxed->data());
  if (crypto_secretbox_open_easy(value_key, box + crypto_secretbox_NONCEBYTES,
                                 boxed->size() - crypto_secretbox_NONCEBYTES, box, master_key_) != 0)
    return std::nullopt;
  crypto_secretstream_xchacha20poly1305_state state;
  const auto* in = reinterpret_cast<const unsigned char*>(cipher->data());
  const bool started = crypto_secretstream_xchacha20poly1305_init_pull(&state, in, value_key) == 0;
  sodium_memzero(value_key, sizeof value_key);
  if (!started) return std::nullopt;
  std::string plain;
  std::size_t at = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  unsigned char tag = 0;
  while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    if (at >= cipher->size()) return std::nullopt;  // cut short: the final chunk is missing
    const auto size = std::min(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES, cipher->size() - at);
    const auto offset = plain.size();
    plain.resize(offset + size);
    unsigned long long written = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, reinterpret_cast<unsigned char*>(plain.data() + offset),
                                                   &written, &tag, in + at, size, nullptr, 0) != 0)
      return std::nullopt;
    plain.resize(offset + written);
    at += size;
  }
  if (at != cipher->size()) return std::nullopt;  // something appended after the final chunk
  return plain;
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
