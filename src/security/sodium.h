// libsodium implementations of the app's PasswordHasher and TokenSource ports.
//
// Thread safety: both classes may be shared by all threads.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "app/ports.h"
#include "app/registration_ports.h"

namespace shelfmark::security {

// Must be called once before anything else here; false if libsodium cannot initialise.
bool initialise();

struct Argon2Cost {
  unsigned long long ops_limit;
  std::size_t mem_limit;
};
// libsodium's INTERACTIVE limits (64 MiB, ~90 ms here). Tests use the cheaper kTestCost.
Argon2Cost interactive_cost();
Argon2Cost test_cost();

class Argon2Hasher final : public app::PasswordHasher {
 public:
  // At most `max_in_flight` hashes run at once; each holds mem_limit bytes while it runs.
  Argon2Hasher(Argon2Cost cost, int max_in_flight);
  std::string hash(std::string_view password) override;
  bool verify(const std::string& stored_hash, std::string_view password) override;

 private:
  class Slot;
  Argon2Cost cost_;
  int max_in_flight_;
  int in_flight_ = 0;
  std::mutex mutex_;
  std::condition_variable available_;
};

class SodiumTokens final : public app::TokenSource {
 public:
  // `key` (any length, usually 32 random bytes) keys the digests, so stored digests of usernames or
  // addresses cannot be reversed by guessing without it.
  explicit SodiumTokens(std::string key);
  std::string random_token() override;
  std::string digest(std::string_view token) override;

 private:
  std::string key_;
};

// Seals values with libsodium: each value gets a fresh 256-bit key and is encrypted with secretstream
// (XChaCha20-Poly1305, in 64 KiB chunks, so tampering and truncation are detected); the fresh key is sealed
// with secretbox under a key derived from the server secret. Base64 text, so both databases store it as TEXT.
class SodiumSealer final : public app::Sealer {
 public:
  explicit SodiumSealer(std::string_view server_secret);
  ~SodiumSealer() override;
  app::Sealed seal(std::string_view plain) override;
  std::optional<std::string> open(const app::Sealed& sealed) override;

 private:
  unsigned char master_key_[32];
};

std::string random_bytes_hex(std::size_t bytes);
std::string base64url(std::string_view bytes);
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace shelfmark::security
