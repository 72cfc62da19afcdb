// The store contract of staff two-factor sign-in (migration 0025), on SQLite and PostgreSQL: the sealed
// secret, steps used once, single-use recovery codes, role settings and sign-in challenges.
#include "app/two_factor_ports.h"
#include "store/store_test_support.h"

namespace shelfmark::store {
namespace {

using app::Repositories;
using app::Store;
using testing_support::BackendTest;

class TwoFactorContract : public BackendTest {};

TEST_P(TwoFactorContract, SecretConfirmationAndStepsUsedOnce) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto id = repos.staff.insert({0, "chan", "Chan", domain::Role::kCounter, false}, "h", instant_from_unix(1));
    EXPECT_FALSE(repos.two_factor.totp(id));
    repos.two_factor.put_totp(id, {"key1", "cipher1"}, instant_from_unix(10));
    auto totp = *repos.two_factor.totp(id);
    EXPECT_EQ(totp.secret.key, "key1");
    EXPECT_EQ(totp.secret.ciphertext, "cipher1");
    EXPECT_EQ(totp.created_at, instant_from_unix(10));
    EXPECT_FALSE(totp.confirmed_at);
    EXPECT_FALSE(totp.last_used_step);
    EXPECT_TRUE(repos.two_factor.enrolled().empty());

    EXPECT_TRUE(repos.two_factor.use_step(id, 100));
    EXPECT_FALSE(repos.two_factor.use_step(id, 100));  // the same step again
    EXPECT_FALSE(repos.two_factor.use_step(id, 99));   // an earlier one
    EXPECT_TRUE(repos.two_factor.use_step(id, 101));
    repos.two_factor.confirm_totp(id, instant_from_unix(20));
    totp = *repos.two_factor.totp(id);
    EXPECT_EQ(totp.confirmed_at, instant_from_unix(20));
    EXPECT_EQ(totp.last_used_step, 101);
    EXPECT_EQ(repos.two_factor.enrolled(), std::set<long long>{id});

    // Starting again replaces the secret and forgets the codes.
    repos.two_factor.replace_recovery_codes(id, {"d1", "d2"});
    repos.two_factor.put_totp(id, {"key2", "cipher2"}, instant_from_unix(30));
    EXPECT_EQ(repos.two_factor.totp(id)->secret.key, "key2");
    EXPECT_FALSE(repos.two_factor.totp(id)->confirmed_at);
    EXPECT_EQ(repos.two_factor.unused_recovery_codes(id), 0);
    repos.two_factor.remove_totp(id);
    EXPECT_FALSE(repos.two_factor.totp(id));
  });
}

TEST_P(TwoFactorContract, RecoveryCodesAreUsedOnceAndReplacedTogether) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto id = repos.staff.insert({0, "chan", "Chan", domain::Role::kCounter, false}, "h", instant_from_unix(1));
    const auto other = repos.staff.insert({0, "lee", "Lee", domain::Role::kCounter, false}, "h", instant_from_unix(1));
    repos.two_factor.replace_recovery_codes(id, {"d1", "d2", "d3"});
    repos.two_factor.replace_recovery_codes(other, {"d1"});
    EXPECT_EQ(repos.two_factor.unused_recovery_codes(id), 3);
    EXPECT_TRUE(repos.two_factor.use_recovery_code(id, "d2", instant_from_unix(5)));
    EXPECT_FALSE(repos.two_factor.use_recovery_code(id, "d2", instant_from_unix(6)));
    EXPECT_FALSE(repos.two_factor.use_recovery_code(id, "nope", instant_from_unix(6)));
    EXPECT_EQ(repos.two_factor.unused_recovery_codes(id), 2);
    EXPECT_EQ(repos.two_factor.unused_recovery_codes(other), 1);  // another account's codes are its own
    repos.two_factor.replace_recovery_codes(id, {"e1"});
    EXPECT_FALSE(repos.two_factor.use_recovery_code(id, "d1", instant_from_unix(7)));
    EXPECT_EQ(repos.two_factor.unused_recovery_codes(id), 1);
  });
}

TEST_P(TwoFactorContract, RolePoliciesAndChallenges) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    EXPECT_TRUE(repos.two_factor.role_policies().empty());
    repos.two_factor.set_role_policy(domain::Role::kAdministrator, true);
    repos.two_factor.set_role_policy(domain::Role::kCounter, true);
    repos.two_factor.set_role_policy(domain::Role::kCounter, false);
    const auto policies = repos.two_factor.role_policies();
    EXPECT_TRUE(policies.at(domain::Role::kAdministrator));
    EXPECT_FALSE(policies.at(domain::Role::kCounter));

    const auto id = repos.staff.insert({0, "chan", "Chan", domain::Role::kCounter, false}, "h", instant_from_unix(1));
    repos.two_factor.insert_challenge({"c1", id, instant_from_unix(100)});
    repos.two_factor.insert_challenge({"c2", id, instant_from_unix(200)});
    const auto found = repos.two_factor.challenge("c1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->staff_id, id);
    EXPECT_EQ(found->created_at, instant_from_unix(100));
    repos.two_factor.remove_challenges_before(instant_from_unix(150));
    EXPECT_FALSE(repos.two_factor.challenge("c1"));
    EXPECT_TRUE(repos.two_factor.challenge("c2"));
    repos.two_factor.remove_challenge("c2");
    EXPECT_FALSE(repos.two_factor.challenge("c2"));
  });
}

SHELFMARK_ON_BOTH_BACKENDS(TwoFactorContract);

}  // namespace
}  // namespace shelfmark::store
