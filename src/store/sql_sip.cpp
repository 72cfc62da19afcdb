#include "store/sql_sip.h"

#include "core/text.h"

namespace shelfmark::store {
namespace {

std::vector<std::string> split_addresses(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_addresses(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& address : addresses) out += (out.empty() ? "" : " ") + address;
  return out;
}

class SqlSip final : public app::SipRepository {
 public:
  explicit SqlSip(Connection& connection) : c_(connection) {}

  std::optional<app::SipAccountRecord> account_by_username(const std::string& username) override {
    auto rows = c_.query(std::string(kSelect) + " WHERE username = ?", {username});
    if (rows.empty()) return std::nullopt;
    return account_of(rows[0]);
  }

  long long insert_account(const app::SipAccountRecord& a) override {
    return c_
        .query(
            "INSERT INTO sip_accounts (username, secret_hash, library_id, kind, allowed_addresses, "
            "send_personal_fields, pin_required, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {a.username, a.secret_hash, a.library_id, a.kind, join_addresses(a.allowed_addresses),
             static_cast<long long>(a.send_personal_fields ? 1 : 0), static_cast<long long>(a.pin_required ? 1 : 0),
             static_cast<long long>(a.disabled ? 1 : 0), unix_seconds(a.created_at)})
        .at(0)
        .integer(0);
  }

  std::vector<app::SipAccountRecord> all_accounts() override {
    std::vector<app::SipAccountRecord> out;
    for (const auto& row : c_.query(std::string(kSelect) + " ORDER BY username")) out.push_back(account_of(row));
    return out;
  }

  std::optional<std::string> reader_pin_hash(long long reader_id) override {
    auto rows = c_.query("SELECT pin_hash FROM readers WHERE id = ?", {reader_id});
    if (rows.empty() || rows[0].is_null(0)) return std::nullopt;
    return rows[0].text(0);
  }

  void set_reader_pin_hash(long long reader_id, const std::optional<std::string>& pin_hash) override {
    Value value = nullptr;
    if (pin_hash) value = *pin_hash;
    c_.execute("UPDATE readers SET pin_hash = ? WHERE id = ?", {value, reader_id});
  }

 private:
  static constexpr const char* kSelect =
      "SELECT id, username, secret_hash, library_id, allowed_addresses, send_personal_fields, pin_required, "
      "disabled, created_at, kind FROM sip_accounts";

  static app::SipAccountRecord account_of(const Row& row) {
    app::SipAccountRecord a;
    a.id = row.integer(0);
    a.username = row.text(1);
    a.secret_hash = row.text(2);
    a.library_id = row.integer(3);
    a.allowed_addresses = split_addresses(row.text(4));
    a.send_personal_fields = row.integer(5) != 0;
    a.pin_required = row.integer(6) != 0;
    a.disabled = row.integer(7) != 0;
    a.created_at = instant_from_unix(row.integer(8));
    a.kind = row.text(9);
    return a;
  }

  Connection& c_;
};

}  // namespace

std::unique_ptr<app::SipRepository> sip_repository(Connection& connection) {
  return std::make_unique<SqlSip>(connection);
}

}  // namespace shelfmark::store
