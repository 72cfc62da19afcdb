#include "app/directory.h"

namespace shelfmark::app {

const domain::Library* NetworkSnapshot::find(std::string_view code) const {
  for (const auto& library : libraries)
    if (library.code == code) return &library;
  return nullptr;
}

const domain::Library* NetworkSnapshot::find(long long id) const {
  for (const auto& library : libraries)
    if (library.id == id) return &library;
  return nullptr;
}

std::shared_ptr<const NetworkSnapshot> NetworkCache::get(Repositories& repos) {
  const auto version = repos.libraries.network_version();
  {
    std::lock_guard lock(mutex_);
    if (snapshot_ && snapshot_->version == version) return snapshot_;
  }
  auto fresh = std::make_shared<NetworkSnapshot>();
  fresh->libraries = repos.libraries.all();
  fresh->holidays = repos.libraries.holidays();
  fresh->policies = repos.circulation.lending_policies();
  fresh->version = version;
  std::lock_guard lock(mutex_);
  if (!snapshot_ || snapshot_->version < version) snapshot_ = fresh;
  return fresh;
}

DirectoryView list_libraries(const Context& context, NetworkCache& cache, const LibraryFilter& filter) {
  DirectoryView view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { view.network = cache.get(repos); });
  view.now = context.zone.to_local(context.clock.now());
  for (const auto& library : view.network->libraries) {
    if (filter.district && library.district != *filter.district) continue;
    if (filter.kind && library.kind != *filter.kind) continue;
    view.libraries.push_back({&library, domain::status_at(library, view.network->holidays, view.now)});
  }
  return view;
}

domain::Outcome<LibraryPage> library_page(const Context& context, NetworkCache& cache, const std::string& code) {
  LibraryPage page;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    page.network = cache.get(repos);
    page.library = page.network->find(code);
    if (page.library) page.notices = repos.notices.published(now, page.library->id, 20, 0).notices;
  });
  if (!page.library) return domain::failure(domain::ErrorCode::kNotFound);
  page.now = context.zone.to_local(now);
  page.status = domain::status_at(*page.library, page.network->holidays, page.now);
  page.coming_days = domain::schedules_from(*page.library, page.network->holidays, page.now.date, 14);
  return page;
}

}  // namespace shelfmark::app
