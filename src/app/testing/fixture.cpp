#include "app/testing/fixture.h"

#include <stdexcept>

#include "app/staff_auth.h"
#include "app/terminals.h"
#include "domain/errors.h"

namespace shelfmark::app::testing {
namespace {

template <class T>
const T& checked(const domain::Outcome<T>& outcome, const char* what) {
  if (!outcome)
    throw std::runtime_error(std::string(what) + ": " + std::string(domain::error_info(outcome.error().code).name));
  return outcome.value();
}

}  // namespace

const std::string& SqlRow::text(std::size_t i) const {
  if (!cells_.at(i)) throw std::runtime_error("null cell");
  return *cells_.at(i);
}

long long SqlRow::integer(std::size_t i) const { return std::stoll(text(i)); }

domain::Library library(const std::string& code, domain::LibraryKind kind) {
  domain::Library library;
  library.code = code;
  library.name = {code, code};
  library.kind = kind;
  library.address = {"x", "x"};
  return library;
}

domain::WeeklyHours open_every_day(int open, int close) {
  domain::WeeklyHours hours;
  for (auto& day : hours.days) day = {{open, close}};
  return hours;
}

Fixture::Fixture(const std::string& backend, FixtureOptions options)
    : backend_(open_test_backend(backend)),
      hasher_(test_hasher(options.hasher_in_flight)),
      tokens_(test_tokens()),
      store(&backend_->store()),
      zone(TimeZone::load("Asia/Hong_Kong")),
      clock(std::make_unique<FixedClock>(zone->to_instant({*parse_iso_date("2026-11-23"), 600}))),
      hasher(*hasher_),
      tokens(*tokens_),
      context(std::make_unique<Context>(Context{*store, *clock, *zone, hasher, tokens})) {}

Fixture::~Fixture() = default;

long long Fixture::new_library(const domain::Library& library) {
  long long id = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { id = repos.libraries.insert(library); });
  return id;
}

long long Fixture::new_reader(const ReaderSpec& spec) {
  long long id = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    id = repos.circulation.insert_reader({0, spec.card, spec.name.empty() ? "Reader " + spec.card : spec.name,
                                          spec.category, spec.status, spec.expires_on},
                                         clock->now());
    if (!spec.password.empty()) repos.registrations.set_reader_password(id, hasher.hash(spec.password));
    if (spec.email || spec.channel || spec.language) {
      auto settings = repos.registrations.reader_settings(id).value_or(ReaderSettings{});
      if (spec.email) settings.email = *spec.email;
      if (spec.channel) settings.channel = *spec.channel;
      if (spec.language) settings.language = *spec.language;
      repos.registrations.save_reader_settings(id, settings);
    }
  });
  if (!spec.pin.empty()) checked(set_reader_pin(*context, spec.card, spec.pin), "set_reader_pin");
  return id;
}

long long Fixture::new_item(const ItemSpec& spec) {
  ItemRecord item;
  item.barcode = spec.barcode;
  item.title = spec.title.empty() ? "Title " + spec.barcode : spec.title;
  item.title_key = spec.title_key.empty() ? "t:" + spec.barcode : spec.title_key;
  item.facts = {spec.type, spec.collection, spec.library_id};
  item.current_library_id = spec.library_id;
  long long id = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { id = repos.circulation.insert_item(item); });
  return id;
}

Actor Fixture::new_staff(const StaffSpec& spec) {
  if (!spec.password.empty()) {
    const auto added = app::add_staff(
        *context, {spec.username, spec.display_name, std::string(domain::role_code(spec.role)), spec.password});
    return {checked(added, "add_staff").id, spec.role};
  }
  long long id = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    id = repos.staff.insert({0, spec.username, spec.display_name, spec.role, false}, "x", clock->now());
  });
  return {id, spec.role};
}

void Fixture::at(const std::string& local) {
  const auto parsed = parse_local_date_time(local);
  if (!parsed) throw std::invalid_argument("not a local date and time: " + local);
  clock->set(zone->to_instant(*parsed));
}

long long Fixture::count(const std::string& sql) { return backend_->query(sql).at(0).integer(0); }

}  // namespace shelfmark::app::testing
