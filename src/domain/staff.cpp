#include "domain/staff.h"

#include <algorithm>
#include <array>

#include "core/text.h"

namespace shelfmark::domain {
namespace {

struct RoleEntry {
  Role role;
  std::string_view code;
  std::string_view label;
};
constexpr RoleEntry kRoles[] = {
    {Role::kAdministrator, "administrator", "Administrator"},
    {Role::kEditor, "editor", "Content editor"},
    {Role::kCounter, "counter", "Counter staff"},
    {Role::kVerifier, "verifier", "Registration verifier"},
    {Role::kCataloguer, "cataloguer", "Cataloguer"},
    {Role::kReference, "reference", "Reference librarian"},
    {Role::kAuditor, "auditor", "Auditor"},
};

// The most common passwords in public breach corpora: those of 8 to 14 characters (readers' passwords may be
// that short), those of 15 or more (the staff minimum), and the obvious ones a library's users might pick.
constexpr std::string_view kCommonPasswords[] = {
    "password",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyui",
    "qwertyuiop",
    "iloveyou",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "87654321",
    "11223344",
    "abcd1234",
    "abc12345",
    "a1234567",
    "aa123456",
    "password1",
    "password123",
    "passw0rd",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1qaz2wsx",
    "asdfghjk",
    "asdf1234",
    "zxcvbnm1",
    "zxcvbnm123",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "starwars",
    "whatever",
    "trustno1",
    "welcome1",
    "welcome123",
    "letmein1",
    "changeme",
    "123123123",
    "123qweasd",
    "q1w2e3r4",
    "987654321",
    "147258369",
    "520131400",
    "5201314520",
    "woaini1314",
    "hongkong",
    "hongkong1",
    "hongkong852",
    "library1",
    "library123",
    "libraries",
    "hkpl1234",
    "chan1234",
    "wong1234",
    "lee12345",
    "123456789012345",
    "1234567890123456",
    "12345678901234567890",
    "passwordpassword",
    "password1234567",
    "password12345678",
    "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl",
    "qwertyuiop123456",
    "1q2w3e4r5t6y7u8i",
    "aaaaaaaaaaaaaaa",
    "111111111111111",
    "000000000000000",
    "iloveyou12345678",
    "letmein123456789",
    "welcome123456789",
    "administrator123",
    "administrator1234",
    "changemechangeme",
    "shelfmarkshelfmark",
    "shelfmark1234567",
    "library123456789",
    "librarylibrary1",
    "hongkonglibrary",
    "hongkonglibrary1",
    "hongkong12345678",
    "publiclibrary123",
    "abcdefghijklmno",
    "abcdefghijklmnop",
    "abc123abc123abc",
    "trustno1trustno1",
    "football12345678",
    "monkeymonkeymonkey",
    "sunshinesunshine",
    "princessprincess",
    "correcthorsebatterystaple",
    "passw0rdpassw0rd",
    "p@ssw0rdp@ssw0rd",
    "qazwsxedcrfvtgb",
    "zaq12wsxcde34rfv",
};

}  // namespace

std::string_view role_code(Role role) {
  for (const auto& entry : kRoles)
    if (entry.role == role) return entry.code;
  return "counter";
}
std::string_view role_label(Role role) {
  for (const auto& entry : kRoles)
    if (entry.role == role) return entry.label;
  return "Counter staff";
}
std::optional<Role> parse_role(std::string_view code) {
  for (const auto& entry : kRoles)
    if (entry.code == code) return entry.role;
  return std::nullopt;
}

bool keeps_an_administrator(const std::vector<StaffUser>& staff, long long target_id, Role new_role, bool enabled) {
  return std::any_of(staff.begin(), staff.end(), [&](const StaffUser& user) {
    if (user.id == target_id) return enabled && new_role == Role::kAdministrator;
    return !user.disabled && user.role == Role::kAdministrator;
  });
}

bool role_allows(Role role, Permission permission) {
  switch (permission) {
    case Permission::kViewStaffPages:
      return true;
    case Permission::kManageNotices:
    case Permission::kManageLibraries:
      return role == Role::kAdministrator || role == Role::kEditor;
    case Permission::kManageStaff:
      return role == Role::kAdministrator;
    case Permission::kManagePolicies:
      return role == Role::kAdministrator;
    case Permission::kCirculation:
      return role == Role::kAdministrator || role == Role::kCounter;
    case Permission::kCataloguing:
      return role == Role::kAdministrator || role == Role::kCataloguer;
    case Permission::kVerifyRegistrations:
      return role == Role::kAdministrator || role == Role::kVerifier;
    case Permission::kCompleteRegistrations:
      return role == Role::kAdministrator || role == Role::kVerifier || role == Role::kCounter;
    case Permission::kManageActivities:
    case Permission::kManageStudyRooms:
      return role == Role::kAdministrator || role == Role::kEditor;
    case Permission::kRunActivities:
    case Permission::kCheckAdmissionCards:
      return role == Role::kAdministrator || role == Role::kEditor || role == Role::kCounter;
    case Permission::kAnswerEnquiries:
      return role == Role::kAdministrator || role == Role::kReference;
    case Permission::kMergeReaders:
      return role == Role::kAdministrator;
    case Permission::kReadAudit:
      return role == Role::kAdministrator || role == Role::kAuditor;
    case Permission::kFindReaders:
      return role == Role::kAdministrator || role == Role::kCounter || role == Role::kVerifier;
    case Permission::kEditReaders:
      return role == Role::kAdministrator || role == Role::kCounter;
  }
  return false;
}

std::optional<FieldError> check_username(std::string_view username) {
  bool ok = username.size() >= 3 && username.size() <= 32;
  for (char c : username)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) ok = false;
  if (!ok) return FieldError{"username", ErrorCode::kUsernameInvalid, {}};
  return std::nullopt;
}

bool is_common_password(std::string_view password) {
  const auto lower = to_lower_ascii(password);
  return std::find(std::begin(kCommonPasswords), std::end(kCommonPasswords), lower) != std::end(kCommonPasswords);
}

std::optional<FieldError> check_password(std::string_view password, std::string_view username, std::size_t min_length) {
  if (!is_valid_utf8(password)) return FieldError{"password", ErrorCode::kInvalidText, {}};
  const auto length = utf8_length(password);
  if (length < min_length)
    return FieldError{"password", ErrorCode::kPasswordTooShort, {{"min", std::to_string(min_length)}}};
  if (length > kPasswordMax)
    return FieldError{"password", ErrorCode::kPasswordTooLong, {{"max", std::to_string(kPasswordMax)}}};
  if (is_common_password(password)) return FieldError{"password", ErrorCode::kPasswordTooCommon, {}};
  if (!username.empty() && to_lower_ascii(password).find(to_lower_ascii(username)) != std::string::npos)
    return FieldError{"password", ErrorCode::kPasswordContainsUsername, {}};
  return std::nullopt;
}

std::optional<Instant> locked_until(const std::vector<Instant>& failures, Instant now, int max_failures) {
  std::vector<Instant> recent;
  for (auto failure : failures)
    if (failure > now - LoginThrottle::kWindow && failure <= now) recent.push_back(failure);
  if (static_cast<int>(recent.size()) < max_failures) return std::nullopt;
  return *std::max_element(recent.begin(), recent.end()) + LoginThrottle::kWindow;
}

namespace {
std::vector<Instant> recent(const std::vector<Instant>& failures, Instant now, std::chrono::seconds window) {
  std::vector<Instant> out;
  for (auto failure : failures)
    if (failure > now - window && failure <= now) out.push_back(failure);
  return out;
}
}  // namespace

std::chrono::seconds account_delay(int account_failures) {
  const int over = account_failures - LoginThrottle::kAccountFailuresBeforeDelay;
  if (over < 0) return std::chrono::seconds(0);
  if (over >= 16) return LoginThrottle::kMaxDelay;
  return std::min<std::chrono::seconds>(LoginThrottle::kFirstDelay * (1 << over), LoginThrottle::kMaxDelay);
}

std::optional<LoginRefusal> login_refusal(const LoginFailures& failures, Instant now) {
  // A hard limit wins over the account's delay: it is the one that decides when trying makes sense again.
  std::optional<Instant> hard = locked_until(failures.address, now, LoginThrottle::kMaxFailuresPerAddress);
  const auto pair = recent(failures.pair, now, LoginThrottle::kWindow);
  if (auto until = locked_until(pair, now, LoginThrottle::kMaxFailuresPerPair))
    if (!hard || *until > *hard) hard = until;
  if (hard) return LoginRefusal{*hard, true};
  if (pair.empty()) return std::nullopt;  // an address that has not failed on this account is never delayed
  const auto account = static_cast<int>(recent(failures.account, now, LoginThrottle::kWindow).size());
  const auto until = *std::max_element(pair.begin(), pair.end()) + account_delay(account);
  if (until <= now) return std::nullopt;
  return LoginRefusal{until, false};
}

bool should_alert(int account_failures, const std::vector<Instant>& recent_alerts, Instant now) {
  return account_failures >= LoginThrottle::kFailuresToAlert &&
         recent(recent_alerts, now, LoginThrottle::kAlertEvery).empty();
}

}  // namespace shelfmark::domain
