#include "app/sign_in_throttle.h"

#include <algorithm>
#include <chrono>

namespace shelfmark::app {

using domain::ErrorCode;
using domain::LoginThrottle;

ThrottleKeys throttle_keys(const Context& context, std::string_view channel, const std::string& account,
                           const std::string& address) {
  const std::string prefix(channel);
  return {prefix + ":" + context.tokens.digest(account),
          prefix + "-pair:" + context.tokens.digest(account + '\n' + address),
          prefix + "-addr:" + context.tokens.digest(address), prefix + "-alert:" + context.tokens.digest(account)};
}

ThrottleState throttle_state(Repositories& repos, const ThrottleKeys& keys, Instant now) {
  const auto since = now - LoginThrottle::kWindow;
  domain::LoginFailures failures{repos.auth_failures.since(keys.address, since),
                                 repos.auth_failures.since(keys.pair, since),
                                 repos.auth_failures.since(keys.account, since)};
  return {domain::login_refusal(failures, now), !failures.pair.empty() || !failures.account.empty()};
}

domain::Failure refusal_failure(const domain::LoginRefusal& refusal, Instant now) {
  if (refusal.hard) {
    const auto minutes = std::chrono::ceil<std::chrono::minutes>(refusal.until - now).count();
    return domain::Failure{
        ErrorCode::kTooManyAttempts,
        {{"", ErrorCode::kTooManyAttempts, {{"minutes", std::to_string(std::max<long long>(1, minutes))}}}}};
  }
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(refusal.until - now).count();
  return domain::Failure{
      ErrorCode::kSignInDelayed,
      {{"", ErrorCode::kSignInDelayed, {{"seconds", std::to_string(std::max<long long>(1, seconds))}}}}};
}

bool is_throttled(domain::ErrorCode code) {
  return code == ErrorCode::kTooManyAttempts || code == ErrorCode::kSignInDelayed;
}

bool record_failure(Repositories& repos, const ThrottleKeys& keys, Instant now) {
  repos.auth_failures.record(keys.account, now);
  repos.auth_failures.record(keys.pair, now);
  repos.auth_failures.record(keys.address, now);
  const auto failures = static_cast<int>(repos.auth_failures.since(keys.account, now - LoginThrottle::kWindow).size());
  if (failures < LoginThrottle::kFailuresToAlert) return false;
  if (!domain::should_alert(failures, repos.auth_failures.since(keys.alert, now - LoginThrottle::kAlertEvery), now))
    return false;
  repos.auth_failures.record(keys.alert, now);
  return true;
}

void record_success(Repositories& repos, const ThrottleKeys& keys) {
  repos.auth_failures.clear(keys.account);
  repos.auth_failures.clear(keys.pair);
}

const std::string& timing_equaliser_hash(PasswordHasher& hasher) {
  static const std::string kHash = hasher.hash("shelfmark-timing-equaliser-not-a-password");
  return kHash;
}

}  // namespace shelfmark::app
