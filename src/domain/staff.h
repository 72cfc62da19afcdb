// Staff accounts: roles with least privilege, username and password rules, and login throttling.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"

namespace shelfmark::domain {

enum class Role { kAdministrator, kEditor, kCounter, kVerifier, kCataloguer, kReference, kAuditor };
enum class Permission {
  kViewStaffPages,         // every staff role
  kManageNotices,          // administrator, editor
  kManageLibraries,        // administrator, editor
  kManageStaff,            // administrator
  kCirculation,            // administrator, counter: lend, return, renew at the counter
  kManagePolicies,         // administrator: lending rules and fine suspension periods
  kCataloguing,            // administrator, cataloguer: catalogue records and their copies
  kVerifyRegistrations,    // administrator, verifier: the queue, applicants' documents, approve or reject
  kCompleteRegistrations,  // administrator, verifier, counter: Type B completion and temporary cards
  kManageActivities,       // administrator, editor: publish and change extension activities
  kRunActivities,          // administrator, editor, counter: enrolment lists, CSV export, attendance
  kManageStudyRooms,       // administrator, editor: application periods, allocation, results
  kCheckAdmissionCards,    // administrator, editor, counter: scan and check study room admission cards
  kAnswerEnquiries,        // administrator, reference: Ask a Librarian queue, replies, FAQ
  kMergeReaders,           // administrator: merge two records of one reader
  kReadAudit,              // administrator, auditor: the audit trail and its CSV export (read only)
  kFindReaders,            // administrator, counter, verifier: find a reader, open the reader record
  kEditReaders,            // administrator, counter: edit a reader, renew, block, notes, PIN, reset link
};

// "administrator", "editor", "counter", "verifier", "cataloguer", "reference", "auditor"
std::string_view role_code(Role role);
std::string_view role_label(Role role);  // English label, a gettext msgid
std::optional<Role> parse_role(std::string_view code);
bool role_allows(Role role, Permission permission);

struct StaffUser {
  long long id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCounter;
  bool disabled = false;
  long long version = 1;              // raised by every change an administrator makes
  bool must_change_password = false;  // sent to change it after signing in, and allowed nothing else until then
  std::optional<Instant> last_sign_in_at;
};

// Whether the staff, after account `target_id` takes `new_role` and is enabled (or not), still have an
// enabled administrator. There must always be one: nobody could otherwise manage staff accounts.
bool keeps_an_administrator(const std::vector<StaffUser>& staff, long long target_id, Role new_role, bool enabled);

// Staff passwords are the only factor for now, so the minimum follows NIST SP 800-63B-4's 15 characters
// for single-factor passwords. No composition rules; never truncated; long passphrases welcome.
inline constexpr std::size_t kStaffPasswordMin = 15;
inline constexpr std::size_t kPasswordMax = 256;

[[nodiscard]] std::optional<FieldError> check_username(std::string_view username);
[[nodiscard]] std::optional<FieldError> check_password(std::string_view password, std::string_view username,
                                                       std::size_t min_length);
// True for passwords on the list of the most common ones (compared case-insensitively).
bool is_common_password(std::string_view password);

// Throttling of sign-ins (ADR 0017). Failures are counted per channel (web and SIP2 apart) under three keys:
// the source address, the (account, address) pair and the account. The address and the pair have hard
// limits: at kMaxFailuresPerAddress or kMaxFailuresPerPair failures within kWindow, that address (or that
// address for that account) is refused until kWindow has passed since its latest failure. The account alone
// never locks anyone out: once it has kAccountFailuresBeforeDelay failures within kWindow from anywhere, an
// address that has itself failed on it must wait a growing delay (account_delay) after its own latest failure
// before its next attempt is even checked; an address that has not failed on the account is not delayed, so
// the owner at their usual place always gets in with the right secret, and a delayed owner gets in after the
// delay. An address gets a higher limit than a pair because a whole library's counters may share one address.
struct LoginThrottle {
  static constexpr int kMaxFailuresPerAddress = 30;
  static constexpr int kMaxFailuresPerPair = 5;
  static constexpr int kAccountFailuresBeforeDelay = 5;
  static constexpr std::chrono::seconds kFirstDelay{2};
  static constexpr std::chrono::seconds kMaxDelay{60};
  static constexpr std::chrono::minutes kWindow{15};
  // The account holder is told once per kAlertEvery when the account reaches kFailuresToAlert within kWindow.
  static constexpr int kFailuresToAlert = 10;
  static constexpr std::chrono::hours kAlertEvery{24};
};
// `failures` are the times of recent failures for one key (any order). Returns when trying is allowed again.
std::optional<Instant> locked_until(const std::vector<Instant>& failures, Instant now, int max_failures);

// The delay after `account_failures` recent failures of an account: none below kAccountFailuresBeforeDelay,
// then kFirstDelay doubling with each further failure, at most kMaxDelay.
std::chrono::seconds account_delay(int account_failures);

// The recent failures (any order, older ones ignored) under each key of one attempt.
struct LoginFailures {
  std::vector<Instant> address;  // this channel, this address, any account
  std::vector<Instant> pair;     // this channel, this account, this address
  std::vector<Instant> account;  // this channel, this account, any address
};
struct [[nodiscard]] LoginRefusal {
  Instant until;
  bool hard = false;  // an address or pair limit (too_many_attempts); else the account's delay (sign_in_delayed)
};
// Nullopt when the attempt may be checked now.
[[nodiscard]] std::optional<LoginRefusal> login_refusal(const LoginFailures& failures, Instant now);
// True when the failure just recorded (included in `account_failures`) should alert the account holder.
bool should_alert(int account_failures, const std::vector<Instant>& recent_alerts, Instant now);

}  // namespace shelfmark::domain
