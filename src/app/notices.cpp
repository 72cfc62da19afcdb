#include "app/notices.h"

#include <algorithm>

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kManageNotices); }

// Turns a validated draft into notice fields, resolving library codes and local times.
Outcome<domain::Notice> build_notice(const Context& context, Repositories& repos, const domain::NoticeDraft& draft,
                                     domain::Notice notice) {
  std::vector<domain::FieldError> errors;
  auto network = repos.libraries.all();
  notice.library_ids.clear();
  for (const auto& code : draft.library_codes) {
    auto it = std::find_if(network.begin(), network.end(), [&](const auto& library) { return library.code == code; });
    if (it == network.end()) {
      errors.push_back({"libraries", ErrorCode::kInvalidChoice, {}});
      break;
    }
    notice.library_ids.push_back(it->id);
  }
  notice.title = draft.title;
  notice.body = draft.body;
  notice.important = draft.important;
  const auto now = context.clock.now();
  notice.publish_at = draft.publish_at ? context.zone.to_instant(*draft.publish_at) : now;
  notice.expire_at.reset();
  if (draft.expire_at) notice.expire_at = context.zone.to_instant(*draft.expire_at);
  if (auto error = domain::check_notice_window(notice.publish_at, notice.expire_at)) errors.push_back(*error);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  notice.updated_at = now;
  return notice;
}

std::string audit_detail(const domain::Notice& notice) {
  return "title_en=" + notice.title.en + (notice.important ? "; important" : "");
}

}  // namespace

std::vector<domain::Notice> BannerCache::current(Repositories& repos, Instant now) {
  const auto version = repos.notices.notices_version();
  std::lock_guard lock(mutex_);
  if (version != version_) {
    unexpired_ = repos.notices.important_unexpired(now);
    version_ = version;
  }
  std::vector<domain::Notice> shown;
  for (const auto& notice : unexpired_)
    if (domain::shows_as_banner(notice, now)) shown.push_back(notice);
  return shown;
}

std::vector<domain::Notice> banner_notices(const Context& context, BannerCache& cache) {
  std::vector<domain::Notice> notices;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { notices = cache.current(repos, now); });
  return notices;
}

NoticePage public_notices(const Context& context, int page, int per_page) {
  NoticePage result;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    result = repos.notices.published(now, std::nullopt, per_page, std::max(0, page - 1) * per_page);
  });
  return result;
}

Outcome<domain::Notice> public_notice(const Context& context, long long id) {
  std::optional<domain::Notice> notice;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { notice = repos.notices.by_id(id); });
  if (!notice || domain::notice_state(*notice, context.clock.now()) != domain::NoticeState::kPublished)
    return failure(ErrorCode::kNotFound);
  return *notice;
}

NoticePage staff_notices(const Context& context, const Actor& actor, int page, int per_page) {
  NoticePage result;
  if (!allowed(actor)) return result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    result = repos.notices.all(per_page, std::max(0, page - 1) * per_page);
  });
  return result;
}

Outcome<domain::Notice> staff_notice(const Context& context, const Actor& actor, long long id) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<domain::Notice> notice;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { notice = repos.notices.by_id(id); });
  if (!notice) return failure(ErrorCode::kNotFound);
  return *notice;
}

Outcome<domain::Notice> create_notice(const Context& context, const Actor& actor, const domain::NoticeInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  auto draft = domain::validate_notice(input);
  if (!draft) return draft.error();
  std::optional<Outcome<domain::Notice>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto built = build_notice(context, repos, draft.value(), domain::Notice{});
    if (built) {
      built->version = 1;
      built->id = repos.notices.insert(built.value());
      repos.audit.record({context.clock.now(), actor.staff_id, "notice.create", "notice:" + std::to_string(built->id),
                          audit_detail(built.value())});
    }
    result = std::move(built);
  });
  return std::move(*result);
}

Outcome<domain::Notice> update_notice(const Context& context, const Actor& actor, long long id,
                                      long long expected_version, const domain::NoticeInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  auto draft = domain::validate_notice(input);
  if (!draft) return draft.error();
  std::optional<Outcome<domain::Notice>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto existing = repos.notices.by_id(id);
    if (!existing) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    auto built = build_notice(context, repos, draft.value(), *existing);
    if (built) {
      if (!repos.notices.update(built.value(), expected_version)) {
        result = failure(ErrorCode::kEditConflict);
        return;
      }
      built->version = expected_version + 1;
      repos.audit.record({context.clock.now(), actor.staff_id, "notice.update", "notice:" + std::to_string(id),
                          audit_detail(built.value())});
    }
    result = std::move(built);
  });
  return std::move(*result);
}

Outcome<domain::Notice> expire_notice(const Context& context, const Actor& actor, long long id) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::Notice>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto notice = repos.notices.by_id(id);
    if (!notice) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    const auto now = context.clock.now();
    if (!notice->expire_at || *notice->expire_at > now) {
      const auto version = notice->version;
      notice->expire_at = now;
      // Keep the window valid (expiry after publication) when the notice was published this very second
      // or is still scheduled: it then never appears.
      if (notice->publish_at >= now) notice->publish_at = now - std::chrono::seconds(1);
      notice->updated_at = now;
      if (!repos.notices.update(*notice, version)) {
        result = failure(ErrorCode::kEditConflict);
        return;
      }
      notice->version = version + 1;
      repos.audit.record({now, actor.staff_id, "notice.expire", "notice:" + std::to_string(id), ""});
    }
    result = *notice;
  });
  return std::move(*result);
}

}  // namespace shelfmark::app
