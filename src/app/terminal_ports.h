// Ports of the terminals: SIP2 accounts and readers' PINs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace shelfmark::app {

// SIP2 terminal accounts (self-check machines, stations, book drops) and readers' PINs.
struct SipAccountRecord {
  long long id = 0;
  std::string username;
  std::string secret_hash;
  long long library_id = 0;
  std::string kind = "self_check";             // "self_check", "self_service_station", "book_drop"
  std::vector<std::string> allowed_addresses;  // empty: any address
  bool send_personal_fields = false;
  bool pin_required = true;
  bool disabled = false;
  Instant created_at;
};

class SipRepository {
 public:
  virtual ~SipRepository() = default;
  virtual std::optional<SipAccountRecord> account_by_username(const std::string& username) = 0;
  // Throws StoreError(kUniqueViolation) when the username is taken.
  virtual long long insert_account(const SipAccountRecord& account) = 0;
  virtual std::vector<SipAccountRecord> all_accounts() = 0;
  // The argon2id hash of the reader's PIN; nullopt when the reader has none.
  virtual std::optional<std::string> reader_pin_hash(long long reader_id) = 0;
  virtual void set_reader_pin_hash(long long reader_id, const std::optional<std::string>& pin_hash) = 0;
};

}  // namespace shelfmark::app
