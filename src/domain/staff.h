// Staff accounts: roles with least privilege, username and password rules, and login throttling.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"

namespace shelfmark::domain {

enum class Role { kAdministrator, kEditor, kCounter, kVerifier, kCataloguer, kReference };
enum class Permission {
  kViewStaffPages,   // every staff role
  kManageNotices,    // administrator, editor
  kManageLibraries,  // administrator, editor
  kManageStaff,      // administrator
  kCirculation,      // administrator, counter: lend, return, renew at the counter
  kManagePolicies,   // administrator: lending rules and fine suspension periods
  kCataloguing,      // administrator, cataloguer: catalogue records and their copies
  kVerifyRegistrations,    // administrator, verifier: the queue, applicants' documents, approve or reject
  kCompleteRegistrations,  // administrator, verifier, counter: Type B completion and temporary cards
  kManageActivities,       // administrator, editor: publish and change extension activities
  kRunActivities,          // administrator, editor, counter: enrolment lists, CSV export, attendance
  kManageStudyRooms,       // administrator, editor: application periods, allocation, results
  kCheckAdmissionCards,    // administrator, editor, counter: scan and check study room admission cards
  kAnswerEnquiries,        // administrator, reference: Ask a Librarian queue, replies, FAQ
};

std::string_view role_code(Role role);   // "administrator", "editor", "counter", "verifier", "cataloguer", "reference"
std::string_view role_label(Role role);  // English label, a gettext msgid
std::optional<Role> parse_role(std::string_view code);
bool role_allows(Role role, Permission permission);

struct StaffUser {
  long long id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCounter;
  bool disabled = false;
};

// Staff passwords are the only factor for now, so the minimum follows NIST SP 800-63B-4's 15 characters
// for single-factor passwords. No composition rules; never truncated; long passphrases welcome.
inline constexpr std::size_t kStaffPasswordMin = 15;
inline constexpr std::size_t kPasswordMax = 256;

std::optional<FieldError> check_username(std::string_view username);
std::optional<FieldError> check_password(std::string_view password, std::string_view username, std::size_t min_length);
// True for passwords on the list of the most common ones (compared case-insensitively).
bool is_common_password(std::string_view password);

// Throttling: after too many failed logins within kWindow for one account, or for one network address,
// further attempts are refused until kWindow has passed since the latest failure. An address gets a higher
// limit than an account because a whole library's counters may share one address.
struct LoginThrottle {
  static constexpr int kMaxFailuresPerAccount = 5;
  static constexpr int kMaxFailuresPerAddress = 30;
  static constexpr std::chrono::minutes kWindow{15};
};
// `failures` are the times of recent failures for one key (any order). Returns when trying is allowed again.
std::optional<Instant> locked_until(const std::vector<Instant>& failures, Instant now, int max_failures);

}  // namespace shelfmark::domain
