// Ports of staff two-factor sign-in (ADR 0022): each staff member's authenticator secret (sealed) and
// recovery codes (digests), the administrators' setting per role, and the sign-ins waiting for a code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/registration_ports.h"
#include "core/time.h"
#include "domain/staff.h"

namespace shelfmark::app {

struct StaffTotp {
  long long staff_id = 0;
  Sealed secret;
  Instant created_at;
  std::optional<Instant> confirmed_at;  // none while enrolment waits for the first code
  std::optional<std::int64_t> last_used_step;
};

struct TwoFactorChallenge {
  std::string id_digest;
  long long staff_id = 0;
  Instant created_at;
};

class TwoFactorRepository {
 public:
  virtual ~TwoFactorRepository() = default;
  virtual std::optional<StaffTotp> totp(long long staff_id) = 0;
  // Starts enrolment afresh: replaces any secret (confirmed or not) and removes the recovery codes.
  virtual void put_totp(long long staff_id, const Sealed& secret, Instant at) = 0;
  virtual void confirm_totp(long long staff_id, Instant at) = 0;
  // Records `step` as used when it is later than the last step used; false when it is not (a replay, or a
  // race with another sign-in using the same code).
  virtual bool use_step(long long staff_id, std::int64_t step) = 0;
  // Removes the secret and the recovery codes.
  virtual void remove_totp(long long staff_id) = 0;
  // The staff members who have confirmed two-factor sign-in.
  virtual std::set<long long> enrolled() = 0;

  virtual void replace_recovery_codes(long long staff_id, const std::vector<std::string>& digests) = 0;
  // Marks the code used; false when there is no such unused code.
  virtual bool use_recovery_code(long long staff_id, const std::string& digest, Instant at) = 0;
  virtual int unused_recovery_codes(long long staff_id) = 0;

  // Roles without a setting do not require two-factor sign-in.
  virtual std::map<domain::Role, bool> role_policies() = 0;
  virtual void set_role_policy(domain::Role role, bool requires_two_factor) = 0;

  virtual void insert_challenge(const TwoFactorChallenge& challenge) = 0;
  virtual std::optional<TwoFactorChallenge> challenge(const std::string& id_digest) = 0;
  virtual void remove_challenge(const std::string& id_digest) = 0;
  virtual void remove_challenges_before(Instant before) = 0;
};

}  // namespace shelfmark::app
