// The public directory of libraries, with their opening status computed in the library's time zone.
// The network changes rarely and is read on every page, so each process keeps a snapshot and reloads it only
// when the network version in the database has moved (which works across many nodes).
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "app/ports.h"
#include "domain/opening_hours.h"
#include "domain/policy.h"

namespace shelfmark::app {

struct NetworkSnapshot {
  std::vector<domain::Library> libraries;
  domain::HolidayCalendar holidays;
  domain::LendingPolicies policies;  // the lending rules and reader limits, which move the same version
  long long version = -1;
  const domain::Library* find(std::string_view code) const;
  const domain::Library* find(long long id) const;
};

class NetworkCache {
 public:
  // Current snapshot; one small query when nothing changed.
  std::shared_ptr<const NetworkSnapshot> get(Repositories& repos);

 private:
  std::mutex mutex_;
  std::shared_ptr<const NetworkSnapshot> snapshot_;
};

struct LibraryFilter {
  std::optional<domain::District> district;
  std::optional<domain::LibraryKind> kind;
};

struct LibraryWithStatus {
  const domain::Library* library;
  domain::OpenStatus status;
};

struct DirectoryView {
  std::shared_ptr<const NetworkSnapshot> network;
  LocalDateTime now;
  std::vector<LibraryWithStatus> libraries;  // filtered
};

DirectoryView list_libraries(const Context& context, NetworkCache& cache, const LibraryFilter& filter);

struct LibraryPage {
  std::shared_ptr<const NetworkSnapshot> network;
  LocalDateTime now;
  const domain::Library* library = nullptr;
  domain::OpenStatus status;
  std::vector<domain::DaySchedule> coming_days;  // today and the next 13 days
  std::vector<domain::Notice> notices;           // published, for this library or all
};

domain::Outcome<LibraryPage> library_page(const Context& context, NetworkCache& cache, const std::string& code);

}  // namespace shelfmark::app
