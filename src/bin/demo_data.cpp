#include "bin/demo_data.h"

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "app/activity_ports.h"
#include "app/enquiry_ports.h"
#include "app/reader_ports.h"
#include "app/staff_auth.h"
#include "app/study_room.h"
#include "app/terminals.h"
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

// Titles for demo items: classics in both languages (public domain), so the counter has something to lend.
constexpr std::pair<const char*, const char*> kTitles[] = {
    {"Dream of the Red Chamber", "紅樓夢"},
    {"Journey to the West", "西遊記"},
    {"Romance of the Three Kingdoms", "三國演義"},
    {"Water Margin", "水滸傳"},
    {"Pride and Prejudice", "傲慢與偏見"},
    {"The Analects", "論語"},
    {"The Art of War", "孫子兵法"},
    {"Strange Tales from a Chinese Studio", "聊齋誌異"},
    {"Moby-Dick", "白鯨記"},
    {"Jane Eyre", "簡愛"},
    {"Little Women", "小婦人"},
    {"The Count of Monte Cristo", "基度山恩仇記"},
    {"Les Misérables", "悲慘世界"},
    {"Alice's Adventures in Wonderland", "愛麗絲夢遊仙境"},
    {"Treasure Island", "金銀島"},
    {"The Scholars", "儒林外史"},
    {"Tao Te Ching", "道德經"},
    {"Anne of Green Gables", "清秀佳人"},
    {"A Tale of Two Cities", "雙城記"},
    {"Robinson Crusoe", "魯賓遜漂流記"},
};

// Demo readers, items and loans, some overdue, so the counter and account pages show something real.
void load_demo_circulation(const app::Context& context, DemoReport& report,
                           const std::map<std::string, long long>& ids) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::vector<long long> static_libraries;
  for (const auto& [code, id] : ids)
    if (code.rfind("MB", 0) != 0) static_libraries.push_back(id);
  std::mt19937 random(20261122);  // deterministic demo
  context.store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    static const char* kSurnames[] = {"Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Yip", "Tang"};
    static const char* kGiven[] = {"Tai Man",   "Siu Ming", "Ka Yan",  "Wing Sze",
                                   "Chi Keung", "Mei Ling", "Hoi Yan", "Ka Ho"};
    static const char* kSurnamesZh[] = {"陳", "黃", "李", "張", "劉", "何", "吳", "梁", "葉", "鄧"};
    static const char* kGivenZh[] = {"大文", "小明", "嘉欣", "詠詩", "志強", "美玲", "凱欣", "家豪"};
    static const domain::ReaderCategory kCategories[] = {
        domain::ReaderCategory::kAdult, domain::ReaderCategory::kAdult, domain::ReaderCategory::kAdult,
        domain::ReaderCategory::kYoungAdult, domain::ReaderCategory::kChild};
    std::vector<long long> readers;
    for (int i = 0; i < 200; ++i) {
      app::ReaderRecord reader;
      reader.card_number = "2" + std::to_string(100000000 + i);
      reader.name = std::string(kSurnames[i % 10]) + " " + kGiven[(i / 10) % 8];
      reader.category = kCategories[i % 5];
      reader.status = i == 7 ? domain::ReaderStatus::kCardReportedLost : domain::ReaderStatus::kActive;
      reader.expires_on = today + std::chrono::days(365 * 3);
      readers.push_back(repos.circulation.insert_reader(reader, now));
      // Names in both scripts, written as every later change of a name is (with the search keys).
      repos.readers.set_names(readers.back(), reader.name, std::string(kSurnamesZh[i % 10]) + kGivenZh[(i / 10) % 8]);
      ++report.readers;
    }
    std::vector<app::ItemRecord> items;
    for (int i = 0; i < 2000; ++i) {
      const auto& [english, chinese] = kTitles[i % std::size(kTitles)];
      app::ItemRecord item;
      item.barcode = "3" + std::to_string(100000000 + i);
      item.title = std::string(chinese) + " / " + english;
      item.title_key = "demo:" + std::to_string(i % std::size(kTitles));
      const auto home = static_libraries[random() % static_libraries.size()];
      const int kind = i % 20;
      item.facts = {kind == 0   ? domain::ItemType::kAudioVisual
                    : kind == 1 ? domain::ItemType::kPeriodicalBackIssue
                                : domain::ItemType::kBook,
                    kind == 2  ? domain::Collection::kReference
                    : kind < 6 ? domain::Collection::kChildren
                               : domain::Collection::kAdult,
                    home};
      item.current_library_id = home;
      item.id = repos.circulation.insert_item(item);
      items.push_back(item);
      ++report.items;
    }
    // E-books: two licensed copies of each of 50 titles, held by the first library, lent online only.
    for (int i = 0; i < 100; ++i) {
      const auto title = (i / 2) % std::size(kTitles);
      const auto& [english, chinese] = kTitles[title];
      app::ItemRecord item;
      item.barcode = "32" + std::to_string(10000000 + i);
      item.title = std::string(chinese) + " / " + english + " (e-book)";
      item.title_key = "demo-ebook:" + std::to_string(i / 2);
      item.facts = {domain::ItemType::kEBook, domain::Collection::kAdult, static_libraries.front()};
      item.current_library_id = static_libraries.front();
      repos.circulation.insert_item(item);
      ++report.items;
    }
    // 150 loans over the last five weeks: those borrowed more than 14 days ago are overdue.
    for (int i = 0; i < 150; ++i) {
      const auto& item = items[i * 13 % items.size()];
      if (item.facts.collection == domain::Collection::kReference) continue;
      const int days_ago = static_cast<int>(random() % 35);
      app::LoanRecord loan;
      loan.item_id = item.id;
      loan.reader_id = readers[(i * 7) % readers.size()];
      loan.library_id = item.facts.home_library_id;
      loan.channel = "counter";
      loan.checked_out_at = now - std::chrono::days(days_ago);
      loan.due_on = today - std::chrono::days(days_ago) + std::chrono::days(14);
      loan.id = repos.circulation.insert_loan(loan);
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnLoan, item.facts.home_library_id,
                                          std::nullopt);
      repos.circulation.add_loan_event(loan.id, "check_out", loan.checked_out_at, loan.due_on, std::nullopt, "");
      ++report.loans;
    }
    // The 2021 reopening notice, as a fine suspension period.
    domain::FineSuspension reopening;
    reopening.first_day = *parse_iso_date("2021-01-01");
    reopening.last_day = *parse_iso_date("2021-03-04");
    reopening.excluded_kinds = {domain::LibraryKind::kMobile};
    reopening.borrowed_before = *parse_iso_date("2021-02-18");
    reopening.reason = {"Overdue fines resumed on 5 March 2021 after the libraries reopened",
                        "圖書館重開後，由2021年3月5日起恢復計算逾期罰款"};
    repos.circulation.add_fine_suspension(reopening);
  });
}

// Ask a Librarian: a few published questions and answers, and two enquiries waiting (one overdue), so that
// the FAQ and the staff queue have something to show.
void load_demo_enquiries(const app::Context& context, const std::map<std::string, long long>& library_ids) {
  const auto now = context.clock.now();
  context.store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    struct Faq {
      const char* question_en;
      const char* answer_en;
      const char* question_tc;
      const char* answer_tc;
    };
    const Faq faqs[] = {
        {"How many times can I renew a book?",
         "You can renew a book up to five times, online in My Account or at any library, unless another reader has "
         "reserved it.",
         "一本書可以續借多少次？", "除非已有其他讀者預約，每本書最多可續借五次，可在「我的帳戶」或任何圖書館辦理。"},
        {"Where can I find old maps of Hong Kong?",
         "The Hong Kong Collection at the Central Library keeps maps from the nineteenth century onwards. Ask at "
         "the enquiry counter on the tenth floor.",
         "哪裏可以找到香港的舊地圖？", "中央圖書館的香港資料特藏收藏十九世紀以來的地圖，請到十樓參考諮詢櫃枱查詢。"},
        {"Can I read e-newspapers at home?",
         "Yes: sign in with your library card or E-Account to read e-newspapers and other e-resources from home.",
         "我可以在家閱讀電子報章嗎？", "可以。以圖書證或電子帳戶登入，即可在家使用電子報章及其他電子資源。"},
    };
    for (const auto& faq : faqs) {
      app::FaqEntry entry;
      entry.question_en = faq.question_en;
      entry.answer_en = faq.answer_en;
      entry.question_tc = faq.question_tc;
      entry.answer_tc = faq.answer_tc;
      entry.created_at = now;
      entry.updated_at = now;
      repos.enquiries.insert_faq(entry);
    }
    const auto central = library_ids.find("CL");
    app::EnquiryRecord overdue;
    overdue.reference = "QDEMO-0001";
    overdue.name = "Demo Enquirer";
    overdue.email = "enquirer@example.invalid";
    overdue.subject = domain::EnquirySubject::kHongKongStudies;
    overdue.language = domain::Language::kTraditionalChinese;
    overdue.question = "請問有沒有關於九龍城寨歷史的書籍或照片？";
    if (central != library_ids.end()) overdue.library_id = central->second;
    overdue.submitted_at = now - std::chrono::hours(24 * 4);
    overdue.updated_at = overdue.submitted_at;
    repos.enquiries.insert(overdue);
    app::EnquiryRecord fresh;
    fresh.reference = "QDEMO-0002";
    fresh.name = "Demo Visitor";
    fresh.email = "visitor@example.invalid";
    fresh.subject = domain::EnquirySubject::kBorrowing;
    fresh.language = domain::Language::kEnglish;
    fresh.question = "Can a visitor from overseas borrow books with a temporary card?";
    fresh.submitted_at = now - std::chrono::hours(3);
    fresh.updated_at = fresh.submitted_at;
    repos.enquiries.insert(fresh);
  });
}

}  // namespace

// Study room periods: at the Central Library with its results published (the first demo readers applied,
// drawn with a fixed seed so that the demo is the same every time: reader 2100000000 has a card, 2100000003
// is on the waiting list); at Tsuen Wan closed and waiting for the draw; at Kowloon open for applications.
static void load_demo_study_rooms(const app::Context& context) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  const auto day = [&](int offset) { return format_iso_date(today + std::chrono::days(offset)); };
  const auto moment = [&](int offset, const char* time) { return day(offset) + "T" + time; };
  app::Actor admin{0, domain::Role::kAdministrator};
  context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    for (const auto& staff : repos.staff.all())
      if (staff.role == domain::Role::kAdministrator) admin.staff_id = staff.id;
  });
  const auto open = [&](const char* code, const char* en, const char* tc, int opens, int closes, int from, int until) {
    domain::StudyPeriodForm f;
    f.title_en = en;
    f.title_tc = tc;
    f.library_code = code;
    f.opens_at = moment(opens, "09:00");
    f.closes_at = moment(closes, "17:00");
    f.valid_from = day(from);
    f.valid_until = day(until);
    f.places = "2";
    f.priority = "exam_candidates_first";
    const char* times[3][4] = {{"08:00", "12:30", "08:00", "12:30"},
                               {"12:45", "17:15", "12:45", "17:15"},
                               {"17:30", "22:00", "17:30", "21:30"}};
    for (int i = 0; i < 3; ++i) {
      f.weekday_start[i] = times[i][0];
      f.weekday_end[i] = times[i][1];
      f.weekend_start[i] = times[i][2];
      f.weekend_end[i] = times[i][3];
    }
    return app::open_study_period(context, admin, f);
  };
  // Applications of periods whose window has closed are stored as they were made then.
  const auto applications = [&](long long period_id, int readers) {
    context.store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      for (int i = 0; i < readers; ++i) {
        const auto reader = repos.circulation.reader_by_card("2" + std::to_string(100000000 + i));
        if (!reader) continue;
        app::StudyApplicationRecord application;
        application.period_id = period_id;
        application.reader_id = reader->id;
        application.session = 1 + i % 3;
        application.exam_candidate = i % 2 == 0;
        application.school_name = application.exam_candidate ? "Queen's College 皇仁書院" : "";
        application.applied_at = now - std::chrono::days(20 - i);
        repos.study_rooms.insert_application(application);
      }
    });
  };
  if (const auto published = open("CL", "Study room, HKDSE season", "自修室（中學文憑試期間）", -30, -5, -3, 60)) {
    applications(published.value(), 8);
    // The demo's data is fixed: a refusal here is a bug in the loader, not something to load around.
    if (!app::run_study_allocation(context, admin, published.value(), 0x5eed00005eed0001ULL))
      throw std::logic_error("demo study room draw refused");
    if (!app::publish_study_results(context, admin, published.value()))
      throw std::logic_error("demo study room results refused");
  }
  if (const auto closed = open("TW", "Study room, mock examinations", "自修室（模擬試期間）", -14, -1, 3, 45))
    applications(closed.value(), 6);
  if (!open("KLN", "Study room, summer", "自修室（暑期）", -2, 12, 20, 110))
    throw std::logic_error("demo study room period refused");
}

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
                                  {0,
                                   today + std::chrono::days(closure.at("from_offset_days").get<int>()),
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
    // Activities of the coming weeks (one recording already viewable), at 'start'-'end' local on their day.
    const auto at = [&](int offset_days, const json& time) {
      const auto minute = parse_time_of_day(time.get<std::string>());
      if (!minute) throw std::runtime_error("demo data: bad activity time " + time.dump());
      return context.zone.to_instant({today + std::chrono::days(offset_days), *minute});
    };
    for (const auto& entry : network.at("activities")) {
      domain::Activity activity;
      activity.title = {entry.at("title_en"), entry.at("title_tc")};
      activity.description = {entry.value("description_en", ""), entry.value("description_tc", "")};
      const auto type = domain::parse_activity_type(entry.at("type").get<std::string>());
      const auto audience = domain::parse_activity_audience(entry.at("audience").get<std::string>());
      const auto language = domain::parse_delivery_language(entry.at("language").get<std::string>());
      if (!type || !audience || !language) throw std::runtime_error("demo data: bad activity codes");
      activity.type = *type;
      activity.audience = *audience;
      activity.delivery_language = *language;
      if (!entry.at("library").is_null()) activity.library_id = library_id(entry.at("library"));
      activity.venue = {entry.value("venue_en", ""), entry.value("venue_tc", "")};
      activity.speaker = {entry.value("speaker_en", ""), entry.value("speaker_tc", "")};
      activity.organiser = {entry.value("organiser_en", ""), entry.value("organiser_tc", "")};
      activity.remarks = {entry.value("remarks_en", ""), entry.value("remarks_tc", "")};
      activity.enquiry_phone = entry.value("phone", "");
      if (activity.type == domain::ActivityType::kVideoRecording) {
        activity.available_from = at(entry.at("available_offset_days"), entry.at("start"));
        activity.video_url = entry.at("video_url");
      } else {
        activity.starts_at = at(entry.at("offset_days"), entry.at("start"));
        activity.ends_at = at(entry.value("end_offset_days", entry.at("offset_days").get<int>()), entry.at("end"));
      }
      activity.enrolment_required = entry.at("enrol");
      activity.quota = entry.value("quota", 0);
      if (entry.contains("enrol_open_offset_days"))
        activity.enrolment_opens_at = at(entry.at("enrol_open_offset_days"), json("09:00"));
      activity.status = domain::ActivityStatus::kPublished;
      activity.updated_at = now;
      repos.activities.insert(activity, now);
      ++report.activities;
    }
  });
  if (report.already_loaded) return report;
  {
    std::map<std::string, long long> ids;
    context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
      for (const auto& library : repos.libraries.all()) ids[library.code] = library.id;
    });
    load_demo_circulation(context, report, ids);
    load_demo_enquiries(context, ids);
    // PINs for self-service machines (the last 4 digits of the card) and passwords for the web
    // (demo_reader_password). Only a few readers, because each PIN and password costs one argon2id hash.
    for (int i = 0; i < kDemoReadersWithPin; ++i) {
      const auto card = "2" + std::to_string(100000000 + i);
      if (!app::set_reader_pin(context, card, card.substr(card.size() - 4))) continue;
      const auto hash = context.hasher.hash(demo_reader_password(card));
      context.store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
        if (auto reader = repos.circulation.reader_by_card(card))
          repos.registrations.set_reader_password(reader->id, hash);
      });
      ++report.readers_with_pin;
    }
  }

  bool has_staff = false;
  context.store.transact(app::Store::Mode::kRead,
                         [&](app::Repositories& repos) { has_staff = !repos.staff.all().empty(); });
  if (!has_staff) {
    const auto password = security::base64url(security::random_bytes_hex(12)).substr(0, 20);
    auto created = app::add_staff(context, {"admin", "Demo administrator", "administrator", password});
    if (!created) throw std::runtime_error("demo data: could not create the demo administrator");
    report.admin_password = password;
  }
  load_demo_study_rooms(context);
  return report;
}

std::string demo_reader_password(const std::string& card_number) {
  return "demo reader " + card_number.substr(card_number.size() - 4);
}

}  // namespace shelfmark::bin
