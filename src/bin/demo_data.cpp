#include "bin/demo_data.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "app/staff_auth.h"
#include "security/sodium.h"

namespace shelfmark::resources::demo {
std::optional<std::string_view> find(std::string_view name);
}

namespace shelfmark::bin {
namespace {

using nlohmann::json;

domain::TimeRange range_of(const json& pair) {
  auto opens = parse_time_of_day(pair.at(0).get<std::string>());
  auto closes = parse_time_of_day(pair.at(1).get<std::string>());
  if (!opens || !closes) throw std::runtime_error("demo data: bad time range " + pair.dump());
  return {*opens, *closes};
}

domain::WeeklyHours hours_of(const json& profile) {
  static const char* kDays[8] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"};
  domain::WeeklyHours hours;
  for (int day = 0; day < 8; ++day)
    if (profile.contains(kDays[day]))
      for (const auto& pair : profile.at(kDays[day])) hours.days[day].push_back(range_of(pair));
  return hours;
}

int weekday_of(const std::string& day) {
  static const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (day == kDays[i]) return i + 1;
  throw std::runtime_error("demo data: bad weekday " + day);
}

domain::District district_of(const std::string& code) {
  auto district = domain::parse_district(code);
  if (!district) throw std::runtime_error("demo data: unknown district " + code);
  return *district;
}

}  // namespace

DemoReport load_demo_data(const app::Context& context) {
  const auto text = resources::demo::find("network.json");
  if (!text) throw std::logic_error("demo network missing from the binary");
  const auto network = json::parse(*text);
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  DemoReport report;

  context.store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    report = DemoReport{};
    if (!repos.libraries.all().empty()) {
      report.already_loaded = true;
      return;
    }
    for (const auto& holiday : network.at("holidays")) {
      auto date = parse_iso_date(holiday.at("date").get<std::string>());
      if (!date) throw std::runtime_error("demo data: bad holiday date");
      repos.libraries.add_holiday({*date, {holiday.at("name_en"), holiday.at("name_tc")}});
      ++report.holidays;
    }
    const auto& profiles = network.at("hours_profiles");
    std::map<std::string, long long> ids;
    for (const auto& entry : network.at("libraries")) {
      domain::Library library;
      library.code = entry.at("code");
      library.name = {entry.at("name_en"), entry.at("name_tc")};
      auto kind = domain::parse_library_kind(entry.at("kind").get<std::string>());
      if (!kind) throw std::runtime_error("demo data: unknown kind for " + library.code);
      library.kind = *kind;
      library.district = district_of(entry.at("district"));
      library.address = {entry.at("address_en"), entry.at("address_tc")};
      library.phone = entry.at("phone");
      for (const auto& code : entry.at("facilities"))
        if (auto facility = domain::parse_facility(code.get<std::string>())) library.facilities.push_back(*facility);
      std::sort(library.facilities.begin(), library.facilities.end());
      library.hours = hours_of(profiles.at(entry.at("hours_profile").get<std::string>()));
      if (entry.contains("mobile_stops"))
        for (const auto& stop : entry.at("mobile_stops"))
          library.stops.push_back({0,
                                   {stop.at("name_en"), stop.at("name_tc")},
                                   district_of(stop.at("district")),
                                   {stop.at("address_en"), stop.at("address_tc")},
                                   weekday_of(stop.at("weekday")),
                                   range_of(json::array({stop.at("start"), stop.at("end")}))});
      ids[library.code] = repos.libraries.insert(library);
      ++report.libraries;
    }
    const auto library_id = [&](const json& code) {
      auto it = ids.find(code.get<std::string>());
      if (it == ids.end()) throw std::runtime_error("demo data: unknown library " + code.dump());
      return it->second;
    };
    for (const auto& special : network.at("special_hours")) {
      domain::SpecialHours hours;
      hours.date = today + std::chrono::days(special.at("offset_days").get<int>());
      if (special.contains("opens") && !special.at("opens").is_null())
        hours.ranges.push_back(range_of(json::array({special.at("opens"), special.at("closes")})));
      hours.note = {special.at("note_en"), special.at("note_tc")};
      repos.libraries.add_special_hours(library_id(special.at("library")), hours);
    }
    for (const auto& closure : network.at("closures")) {
      repos.libraries.add_closure(library_id(closure.at("library")),
                                  {0, today + std::chrono::days(closure.at("from_offset_days").get<int>()),
                                   today + std::chrono::days(closure.at("to_offset_days").get<int>()),
                                   {closure.at("reason_en"), closure.at("reason_tc")}});
    }
    for (const auto& entry : network.at("notices")) {
      domain::Notice notice;
      notice.title = {entry.at("title_en"), entry.at("title_tc")};
      notice.body = {entry.at("body_en"), entry.at("body_tc")};
      notice.important = entry.value("important", false);
      for (const auto& code : entry.at("libraries")) notice.library_ids.push_back(library_id(code));
      // Published at 09:00 local on the offset day, so the demo reads like a real notice board.
      const auto publish_day = today + std::chrono::days(entry.at("publish_offset_days").get<int>());
      notice.publish_at = context.zone.to_instant({publish_day, 9 * 60});
      if (entry.contains("expire_offset_days") && !entry.at("expire_offset_days").is_null())
        notice.expire_at = context.zone.to_instant(
            {today + std::chrono::days(entry.at("expire_offset_days").get<int>()), 23 * 60 + 59});
      notice.updated_at = now;
      repos.notices.insert(notice);
      ++report.notices;
    }
  });
  if (report.already_loaded) return report;

  bool has_staff = false;
  context.store.transact(app::Store::Mode::kRead,
                         [&](app::Repositories& repos) { has_staff = !repos.staff.all().empty(); });
  if (!has_staff) {
    const auto password = security::base64url(security::random_bytes_hex(12)).substr(0, 20);
    auto created = app::add_staff(context, {"admin", "Demo administrator", "administrator", password});
    if (!created) throw std::runtime_error("demo data: could not create the demo administrator");
    report.admin_password = password;
  }
  return report;
}

}  // namespace shelfmark::bin
