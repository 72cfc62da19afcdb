#include "store/sql_two_factor.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

class SqlTwoFactor final : public app::TwoFactorRepository {
 public:
  explicit SqlTwoFactor(Connection& connection) : c_(connection) {}

  std::optional<app::StaffTotp> totp(long long staff_id) override {
    auto rows = c_.query(
        "SELECT staff_id, secret_key, secret_ciphertext, created_at, confirmed_at, last_used_step FROM staff_totp "
        "WHERE staff_id = ?",
        {staff_id});
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    app::StaffTotp totp{row.integer(0),
                        {row.text(1), row.text(2)},
                        instant_from_unix(row.integer(3)),
                        optional_instant(row, 4),
                        std::nullopt};
    if (!row.is_null(5)) totp.last_used_step = row.integer(5);
    return totp;
  }

  void put_totp(long long staff_id, const app::Sealed& secret, Instant at) override {
    remove_totp(staff_id);
    c_.execute("INSERT INTO staff_totp (staff_id, secret_key, secret_ciphertext, created_at) VALUES (?, ?, ?, ?)",
               {staff_id, secret.key, secret.ciphertext, unix_of(at)});
  }

  void confirm_totp(long long staff_id, Instant at) override {
    c_.execute("UPDATE staff_totp SET confirmed_at = ? WHERE staff_id = ?", {unix_of(at), staff_id});
  }

  bool use_step(long long staff_id, std::int64_t step) override {
    return c_.execute(
               "UPDATE staff_totp SET last_used_step = ? WHERE staff_id = ? AND (last_used_step IS NULL OR "
               "last_used_step < ?)",
               {static_cast<long long>(step), staff_id, static_cast<long long>(step)}) == 1;
  }

  void remove_totp(long long staff_id) override {
    c_.execute("DELETE FROM staff_recovery_codes WHERE staff_id = ?", {staff_id});
    c_.execute("DELETE FROM staff_totp WHERE staff_id = ?", {staff_id});
  }

  std::set<long long> enrolled() override {
    std::set<long long> out;
    for (const auto& row : c_.query("SELECT staff_id FROM staff_totp WHERE confirmed_at IS NOT NULL"))
      out.insert(row.integer(0));
    return out;
  }

  void replace_recovery_codes(long long staff_id, const std::vector<std::string>& digests) override {
    c_.execute("DELETE FROM staff_recovery_codes WHERE staff_id = ?", {staff_id});
    for (const auto& digest : digests)
      c_.execute("INSERT INTO staff_recovery_codes (staff_id, code_digest) VALUES (?, ?)", {staff_id, digest});
  }

  bool use_recovery_code(long long staff_id, const std::string& digest, Instant at) override {
    return c_.execute(
               "UPDATE staff_recovery_codes SET used_at = ? WHERE staff_id = ? AND code_digest = ? AND used_at IS "
               "NULL",
               {unix_of(at), staff_id, digest}) == 1;
  }

  int unused_recovery_codes(long long staff_id) override {
    auto rows =
        c_.query("SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = ? AND used_at IS NULL", {staff_id});
    return static_cast<int>(rows.at(0).integer(0));
  }

  std::map<domain::Role, bool> role_policies() override {
    std::map<domain::Role, bool> out;
    for (const auto& row : c_.query("SELECT role, requires_two_factor FROM staff_role_policies"))
      if (auto role = domain::parse_role(row.text(0))) out[*role] = row.integer(1) != 0;
    return out;
  }

  void set_role_policy(domain::Role role, bool requires_two_factor) override {
    const std::string code(domain::role_code(role));
    const long long value = requires_two_factor ? 1 : 0;
    if (c_.execute("UPDATE staff_role_policies SET requires_two_factor = ? WHERE role = ?", {value, code}) == 0)
      c_.execute("INSERT INTO staff_role_policies (role, requires_two_factor) VALUES (?, ?)", {code, value});
  }

  void insert_challenge(const app::TwoFactorChallenge& challenge) override {
    c_.execute("INSERT INTO staff_two_factor_challenges (id_digest, staff_id, created_at) VALUES (?, ?, ?)",
               {challenge.id_digest, challenge.staff_id, unix_of(challenge.created_at)});
  }

  std::optional<app::TwoFactorChallenge> challenge(const std::string& id_digest) override {
    auto rows = c_.query("SELECT id_digest, staff_id, created_at FROM staff_two_factor_challenges WHERE id_digest = ?",
                         {id_digest});
    if (rows.empty()) return std::nullopt;
    return app::TwoFactorChallenge{rows[0].text(0), rows[0].integer(1), instant_from_unix(rows[0].integer(2))};
  }

  void remove_challenge(const std::string& id_digest) override {
    c_.execute("DELETE FROM staff_two_factor_challenges WHERE id_digest = ?", {id_digest});
  }

  void remove_challenges_before(Instant before) override {
    c_.execute("DELETE FROM staff_two_factor_challenges WHERE created_at < ?", {unix_of(before)});
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::TwoFactorRepository> two_factor_repository(Connection& connection) {
  return std::make_unique<SqlTwoFactor>(connection);
}

}  // namespace shelfmark::store
