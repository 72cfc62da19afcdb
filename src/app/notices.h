// Library notices: what readers see (published ones, banners) and what staff do (create, edit, schedule,
// expire). Every staff change is audited.
#pragma once

#include <memory>
#include <mutex>

#include "app/directory.h"
#include "app/ports.h"

namespace shelfmark::app {

// Important notices for the banner on every page, cached per process until the notices change.
class BannerCache {
 public:
  std::vector<domain::Notice> current(Repositories& repos, Instant now);

 private:
  std::mutex mutex_;
  long long version_ = -1;
  std::vector<domain::Notice> unexpired_;
};

std::vector<domain::Notice> banner_notices(const Context& context, BannerCache& cache);

NoticePage public_notices(const Context& context, int page, int per_page);

// A published notice; NotFound for scheduled or expired ones (staff see those through staff_notice).
domain::Outcome<domain::Notice> public_notice(const Context& context, long long id);

struct Actor {
  long long staff_id = 0;
  domain::Role role = domain::Role::kCounter;
};

NoticePage staff_notices(const Context& context, const Actor& actor, int page, int per_page);
domain::Outcome<domain::Notice> staff_notice(const Context& context, const Actor& actor, long long id);
domain::Outcome<domain::Notice> create_notice(const Context& context, const Actor& actor,
                                              const domain::NoticeInput& input);
domain::Outcome<domain::Notice> update_notice(const Context& context, const Actor& actor, long long id,
                                              long long expected_version, const domain::NoticeInput& input);
// Ends a notice's publication now (it stays in the staff list, as expired).
domain::Outcome<domain::Notice> expire_notice(const Context& context, const Actor& actor, long long id);

}  // namespace shelfmark::app
