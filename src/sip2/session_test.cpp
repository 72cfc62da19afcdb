// The SIP2 session against the real store and use cases, on SQLite and PostgreSQL: every message, the login
// and PIN rules, resends, languages and the routing answers of checkin.
#include "sip2/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "app/registration_ports.h"
#include "app/terminals.h"
#include "security/sodium.h"
#include "store/store_test_support.h"
#include "web/i18n.h"

namespace shelfmark::sip2 {
namespace {

using store::testing_support::BackendTest;

const std::string kNow = "20261123    100000";  // the fixed clock: Monday 23 November 2026, 10:00
const std::string kBlank(18, ' ');

// ----- SIP2 2.00 as a client reads it -----
// The layout of each reply in the SIP2 2.00 specification: its fixed fields (name, width, what may stand
// there), then its variable fields in the order the specification lists them, the required ones marked, and
// the extensions Shelfmark adds (as other systems do: 3M's CT/CV routing, the birth date PB, BW on 64, a
// fine on 10), which may stand anywhere.
enum class Kind { kYesNo, kYesNoUnknown, kZeroOne, kStatusFlags, kDigits, kCount, kDate, kVersion };
struct FixedSpec {
  const char* name;
  std::size_t width;
  Kind kind;
};
struct FieldSpec {
  std::string_view id;
  bool required = false;
};
struct ReplySpec {
  std::vector<FixedSpec> fixed;
  std::vector<FieldSpec> fields;
  std::vector<std::string_view> extensions;
};

const std::map<std::string, ReplySpec>& sip2_specification() {
  static const std::map<std::string, ReplySpec> spec = [] {
    std::map<std::string, ReplySpec> layouts = {
        {"94", {{{"ok", 1, Kind::kZeroOne}}, {}, {}}},
        {"98",
         {{{"on-line status", 1, Kind::kYesNo},
           {"checkin ok", 1, Kind::kYesNo},
           {"checkout ok", 1, Kind::kYesNo},
           {"ACS renewal policy", 1, Kind::kYesNo},
           {"status update ok", 1, Kind::kYesNo},
           {"off-line ok", 1, Kind::kYesNo},
           {"timeout period", 3, Kind::kDigits},
           {"retries allowed", 3, Kind::kDigits},
           {"date / time sync", 18, Kind::kDate},
           {"protocol version", 4, Kind::kVersion}},
          {{"AO", true}, {"AM"}, {"BX", true}, {"AN"}, {"AF"}, {"AG"}},
          {}}},
        {"24",
         {{{"patron status", 14, Kind::kStatusFlags},
           {"language", 3, Kind::kDigits},
           {"transaction date", 18, Kind::kDate}},
          {{"AO", true}, {"AA", true}, {"AE", true}, {"BL"}, {"CQ"}, {"BH"}, {"BV"}, {"AF"}, {"AG"}},
          {}}},
        {"64",
         {{{"patron status", 14, Kind::kStatusFlags},
           {"language", 3, Kind::kDigits},
           {"transaction date", 18, Kind::kDate},
           {"hold items count", 4, Kind::kCount},
           {"overdue items count", 4, Kind::kCount},
           {"charged items count", 4, Kind::kCount},
           {"fine items count", 4, Kind::kCount},
           {"recall items count", 4, Kind::kCount},
           {"unavailable holds count", 4, Kind::kCount}},
          {{"AO", true}, {"AA", true}, {"AE", true}, {"BZ"}, {"CA"}, {"CB"}, {"BL"}, {"CQ"}, {"BH"}, {"BV"}, {"CC"},
           {"AS"},       {"AT"},       {"AU"},       {"AV"}, {"BU"}, {"CD"}, {"BD"}, {"BE"}, {"BF"}, {"AF"}, {"AG"}},
          {"BW", "PB"}}},
        {"12",
         {{{"ok", 1, Kind::kZeroOne},
           {"renewal ok", 1, Kind::kYesNo},
           {"magnetic media", 1, Kind::kYesNoUnknown},
           {"desensitize", 1, Kind::kYesNoUnknown},
           {"transaction date", 18, Kind::kDate}},
          {{"AO", true},
           {"AA", true},
           {"AB", true},
           {"AJ", true},
           {"AH", true},
           {"BT"},
           {"CI"},
           {"BH"},
           {"BV"},
           {"CK"},
           {"CH"},
           {"BK"},
           {"AF"},
           {"AG"}},
          {}}},
        {"10",
         {{{"ok", 1, Kind::kZeroOne},
           {"resensitize", 1, Kind::kYesNoUnknown},
           {"magnetic media", 1, Kind::kYesNoUnknown},
           {"alert", 1, Kind::kYesNo},
           {"transaction date", 18, Kind::kDate}},
          {{"AO", true}, {"AB", true}, {"AQ", true}, {"AJ"}, {"CL"}, {"AA"}, {"CK"}, {"CH"}, {"AF"}, {"AG"}},
          {"CT", "CV", "BH", "BV"}}},
        {"16",
         {{{"ok", 1, Kind::kZeroOne}, {"available", 1, Kind::kYesNo}, {"transaction date", 18, Kind::kDate}},
          {{"BW"}, {"BR"}, {"BS"}, {"AO", true}, {"AA", true}, {"AB"}, {"AJ"}, {"AF"}, {"AG"}},
          {}}},
        {"38",
         {{{"payment accepted", 1, Kind::kYesNo}, {"transaction date", 18, Kind::kDate}},
          {{"AO", true}, {"AA", true}, {"BK"}, {"AF"}, {"AG"}},
          {}}},
        {"36",
         {{{"end session", 1, Kind::kYesNo}, {"transaction date", 18, Kind::kDate}},
          {{"AO", true}, {"AA", true}, {"AF"}, {"AG"}},
          {}}},
    };
    layouts["30"] = layouts.at("12");  // the renew response is laid out as the checkout response
    return layouts;
  }();
  return spec;
}

bool all_of(std::string_view text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

bool fixed_ok(std::string_view value, Kind kind) {
  switch (kind) {
    case Kind::kYesNo:
      return value == "Y" || value == "N";
    case Kind::kYesNoUnknown:
      return value == "Y" || value == "N" || value == "U";
    case Kind::kZeroOne:
      return value == "0" || value == "1";
    case Kind::kStatusFlags:
      return all_of(value, "Y ");
    case Kind::kDigits:
      return all_of(value, "0123456789");
    case Kind::kCount:  // 0000 to 9999, or blanks when not told
      return all_of(value, "0123456789") || value == "    ";
    case Kind::kDate:  // YYYYMMDDZZZZHHMMSS, the zone blank (local time) or "   Z"
      return all_of(value.substr(0, 8), "0123456789") &&
             (value.substr(8, 4) == "    " || value.substr(8, 4) == "   Z") &&
             all_of(value.substr(12, 6), "0123456789");
    case Kind::kVersion:
      return value == "2.00";
  }
  return false;
}

struct Field {
  std::string id;
  std::string value;
};

// Checks one reply field by field against the specification; returns its variable fields (without AY/AZ) for
// the caller's own checks. `sequence`: the AY the request carried (the reply must echo it and end with AZ).
std::vector<Field> expect_conforms(const std::string& reply, const std::string& sequence) {
  std::vector<Field> fields;
  SCOPED_TRACE("reply: " + reply);
  if (reply.size() < 3 || reply.back() != '\r') {
    ADD_FAILURE() << "not one message ended by CR";
    return fields;
  }
  std::string_view body(reply.data(), reply.size() - 1);
  const auto code = std::string(body.substr(0, 2));
  const auto found = sip2_specification().find(code);
  if (found == sip2_specification().end()) {
    ADD_FAILURE() << "unexpected reply code " << code;
    return fields;
  }
  const auto& spec = found->second;
  // Error detection: "...AY<n>AZ<4 hex>" closes the message, over a right checksum.
  EXPECT_EQ(verify_checksum(body), ChecksumCheck::kValid);
  const auto trailer = body.rfind("AY");
  if (trailer == std::string_view::npos || body.size() - trailer != 2 + sequence.size() + 6 ||
      body.substr(trailer + 2, sequence.size()) != sequence || body.substr(trailer + 2 + sequence.size(), 2) != "AZ") {
    ADD_FAILURE() << "no AY" << sequence << "AZxxxx at the end";
    return fields;
  }
  body = body.substr(2, trailer - 2);
  for (const auto& f : spec.fixed) {
    if (body.size() < f.width) {
      ADD_FAILURE() << "fixed field '" << f.name << "' cut short";
      return fields;
    }
    EXPECT_TRUE(fixed_ok(body.substr(0, f.width), f.kind))
        << "fixed field '" << f.name << "' is '" << body.substr(0, f.width) << "'";
    body.remove_prefix(f.width);
  }
  // Variable fields: "<id><value>|" each, the last one ended by '|' too.
  if (spec.fields.empty()) {
    EXPECT_TRUE(body.empty()) << "fields after the fixed part of " << code;
    return fields;
  }
  EXPECT_TRUE(body.empty() || body.back() == '|') << "the last field is not ended by '|'";
  while (!body.empty()) {
    const auto end = body.find('|');
    const auto part = body.substr(0, end);
    if (part.size() < 2) {
      ADD_FAILURE() << "a field without an id: '" << part << "'";
      break;
    }
    fields.push_back({std::string(part.substr(0, 2)), std::string(part.substr(2))});
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
  }
  std::size_t last_position = 0;
  std::string last_id;
  for (const auto& field : fields) {
    const auto at =
        std::find_if(spec.fields.begin(), spec.fields.end(), [&](const FieldSpec& f) { return f.id == field.id; });
    if (at == spec.fields.end()) {
      EXPECT_NE(std::find(spec.extensions.begin(), spec.extensions.end(), field.id), spec.extensions.end())
          << field.id << " is not a field of " << code;
      continue;
    }
    const auto position = static_cast<std::size_t>(at - spec.fields.begin());
    EXPECT_GE(position, last_position) << field.id << " comes after " << last_id << ": out of the order of the spec";
    last_position = position;
    last_id = field.id;
    // The fields the specification gives a form.
    const auto& v = field.value;
    bool form_ok = true;
    if (field.id == "BZ" || field.id == "CA" || field.id == "CB") form_ok = v.size() == 4 && all_of(v, "0123456789");
    if (field.id == "BL" || field.id == "CQ") form_ok = v == "Y" || v == "N";
    if (field.id == "BH") form_ok = v.size() == 3;
    if (field.id == "CK") form_ok = v.size() == 3 && all_of(v, "0123456789");
    if ((field.id == "AH" || field.id == "BW") && !v.empty()) form_ok = v.size() == 18 && fixed_ok(v, Kind::kDate);
    if (field.id == "BV" || field.id == "CC") form_ok = !v.empty() && all_of(v, "0123456789.");
    if (field.id == "BX") form_ok = v.size() == 16 && all_of(v, "YN");
    EXPECT_TRUE(form_ok) << field.id << " is '" << v << "'";
  }
  for (const auto& f : spec.fields) {
    if (!f.required) continue;
    EXPECT_TRUE(std::any_of(fields.begin(), fields.end(), [&](const Field& x) { return x.id == f.id; }))
        << "required field " << f.id << " missing from " << code;
  }
  return fields;
}

std::string value_of(const std::vector<Field>& fields, std::string_view id) {
  for (const auto& f : fields)
    if (f.id == id) return f.value;
  return {};
}
std::size_t count_of(const std::vector<Field>& fields, std::string_view id) {
  return static_cast<std::size_t>(
      std::count_if(fields.begin(), fields.end(), [&](const Field& f) { return f.id == id; }));
}

class Sip2Session : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    zone = TimeZone::load("Asia/Hong_Kong");
    clock = std::make_unique<FixedClock>(zone->to_instant({*parse_iso_date("2026-11-23"), 600}));
    context = std::make_unique<app::Context>(app::Context{*store, *clock, *zone, hasher, tokens});
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      central = repos.libraries.insert(library("CL", "Central Library", "中央圖書館"));
      district = repos.libraries.insert(library("KT", "Kowloon Library", "九龍公共圖書館"));
      for (int i = 0; i < 5; ++i)
        repos.circulation.insert_reader(
            {0, "R" + std::to_string(1000 + i), "陳大文 " + std::to_string(i), domain::ReaderCategory::kAdult,
             domain::ReaderStatus::kActive, *parse_iso_date("2030-12-31")},
            clock->now());
      for (int i = 0; i < 6; ++i) add_item(repos, "B" + std::to_string(100 + i), domain::Collection::kAdult);
      add_item(repos, "REF1", domain::Collection::kReference);
    });
    ASSERT_TRUE(app::set_reader_pin(*context, "R1000", "1234"));
    ASSERT_TRUE(app::set_reader_pin(*context, "R1001", "5678"));
    ASSERT_TRUE(app::add_sip_account(*context, {"sc01", "CL", "terminal-secret-1", {}, false, true}));
    ASSERT_TRUE(app::add_sip_account(*context, {"drop01", "CL", "terminal-secret-2", {}, false, false, "book_drop"}));
    ASSERT_TRUE(app::add_sip_account(*context, {"locked", "CL", "terminal-secret-3", {"10.1.2.3"}, false, true}));
    options.translate = [this](domain::Language language, std::string_view msgid) {
      return translator.translate(language, msgid);
    };
  }

  static domain::Library library(std::string code, std::string en, std::string tc) {
    domain::Library library;
    library.code = std::move(code);
    library.name = {std::move(en), std::move(tc)};
    library.kind = domain::LibraryKind::kDistrict;
    library.address = {"x", "x"};
    for (int day = 0; day < 8; ++day) library.hours.days[day] = {{540, 1200}};
    return library;
  }

  void add_item(app::Repositories& repos, const std::string& barcode, domain::Collection collection) {
    app::ItemRecord item;
    item.barcode = barcode;
    item.title = "書名 Title of " + barcode;
    item.title_key = "title:" + barcode;
    item.facts = {domain::ItemType::kBook, collection, central};
    item.current_library_id = central;
    repos.circulation.insert_item(item);
  }

  std::unique_ptr<Session> session(const std::string& address = "127.0.0.1") {
    return std::make_unique<Session>(*context, network, address, options);
  }
  std::unique_ptr<Session> logged_in(const std::string& user = "sc01",
                                     const std::string& secret = "terminal-secret-1") {
    auto s = session();
    EXPECT_EQ(send(*s, "9300CN" + user + "|CO" + secret + "|CPCL|"), "941\r");
    return s;
  }
  static std::string send(Session& s, const std::string& message, Terminator terminator = Terminator::kCr) {
    return s.handle({message, terminator});
  }
  static std::string checkout(const std::string& patron, const std::string& item, const std::string& pin = "1234",
                              char renewal_policy = 'N') {
    return std::string("11") + renewal_policy + "N" + kNow + kBlank + "AOCL|AA" + patron + "|AB" + item + "|AC|AD" +
           pin + "|";
  }
  static std::string checkin(const std::string& item, const std::string& return_date = kBlank) {
    return "09N" + kNow + return_date + "APCL|AOCL|AB" + item + "|AC|";
  }
  // A reader as online registration makes them: with address, e-mail, mobile and birth date.
  void add_registered_reader(const std::string& card, const std::string& pin) {
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      app::NewReader reader;
      reader.card_number = card;
      reader.name = "陳大文";
      reader.category = domain::ReaderCategory::kAdult;
      reader.status = domain::ReaderStatus::kActive;
      reader.expires_on = parse_iso_date("2030-12-31");
      reader.date_of_birth = parse_iso_date("1990-05-01");
      reader.email = "chan.taiman@example.hk";
      reader.mobile = "91234567";
      reader.address = "Flat 3, 12 Nathan Road\nKowloon";
      repos.registrations.insert_reader(reader, clock->now());
    });
    ASSERT_TRUE(app::set_reader_pin(*context, card, pin));
  }
  long long count(const std::string& sql) {
    auto connection = database->acquire();
    return connection->query(sql).at(0).integer(0);
  }

  std::shared_ptr<const TimeZone> zone;
  std::unique_ptr<FixedClock> clock;
  security::Argon2Hasher hasher{security::test_cost(), 2};
  security::SodiumTokens tokens{std::string(32, 's')};
  std::unique_ptr<app::Context> context;
  app::NetworkCache network;
  web::Translator translator;
  SessionOptions options;
  long long central = 0, district = 0;
};

TEST_P(Sip2Session, LoginComesFirst) {
  auto s = session();
  const auto before = send(*s, "9900302.00");
  EXPECT_EQ(before.substr(0, 3), "940");
  EXPECT_NE(before.find("AFPlease log in first."), std::string::npos);
  EXPECT_EQ(send(*s, checkout("R1000", "B100")).substr(0, 3), "940");
  EXPECT_EQ(send(*s, "9300CNsc01|COwrong-secret|CPCL|"), "940\r");
  EXPECT_EQ(send(*s, "9300CNnobody|COwhatever|"), "940\r");
  EXPECT_EQ(send(*s, "9300CNsc01|CO|"), "940\r");  // an empty secret never passes
  EXPECT_EQ(send(*s, "9300CNSC01|COterminal-secret-1|CPCL|"), "941\r");
  const auto status = send(*s, "9900302.00");
  EXPECT_EQ(status.substr(0, 8), "98YYYYNN");
  EXPECT_EQ(status.substr(8, 6), "100003");
  EXPECT_EQ(status.substr(14, 18), kNow);
  EXPECT_EQ(status.substr(32, 4), "2.00");
  EXPECT_NE(status.find("2.00AOCL|"), std::string::npos) << status;
  EXPECT_NE(status.find("AMCentral Library|"), std::string::npos);
  EXPECT_NE(status.find("BXYYYYYYYYYYYNYYYY|"), std::string::npos) << status;
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans"), 0);
}

TEST_P(Sip2Session, FailedTerminalLoginsAreThrottledAndAudited) {
  auto s = session("192.0.2.7");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send(*s, "9300CNsc01|COwrong-" + std::to_string(i) + "|"), "940\r");
  // Locked now, even with the right secret.
  EXPECT_EQ(send(*s, "9300CNsc01|COterminal-secret-1|"), "940\r");
  std::vector<app::AuditEntry> audit;
  store->transact(app::Store::Mode::kRead, [&](app::Repositories& repos) { audit = repos.audit.recent(10); });
  EXPECT_EQ(audit.at(0).action, "sip.login_throttled");
  EXPECT_EQ(audit.at(1).action, "sip.login_failed");
  for (const auto& entry : audit) EXPECT_EQ(entry.detail.find("wrong"), std::string::npos);
  // Fifteen minutes later it may try again.
  clock->set(clock->now() + std::chrono::minutes(16));
  EXPECT_EQ(send(*s, "9300CNsc01|COterminal-secret-1|"), "941\r");
}

TEST_P(Sip2Session, AccountsBoundToAddresses) {
  auto s = session("127.0.0.1");
  EXPECT_EQ(send(*s, "9300CNlocked|COterminal-secret-3|"), "940\r");
  auto allowed = session("10.1.2.3");
  EXPECT_EQ(send(*allowed, "9300CNlocked|COterminal-secret-3|"), "941\r");
}

TEST_P(Sip2Session, PatronStatusChecksThePin) {
  auto s = logged_in();
  const auto good = send(*s, "23001" + kNow + "AOCL|AAR1000|AC|AD1234|");
  EXPECT_EQ(good.substr(0, 16), "24              ");
  EXPECT_EQ(good.substr(16, 3), "001");
  EXPECT_NE(good.find("|AE陳大文 0|"), std::string::npos);
  EXPECT_NE(good.find("|BLY|CQY|"), std::string::npos);
  EXPECT_NE(good.find("BHHKD|BV0.00|"), std::string::npos);
  const auto wrong = send(*s, "23001" + kNow + "AOCL|AAR1000|AC|AD9999|");
  EXPECT_NE(wrong.find("|AE|BLY|CQN|"), std::string::npos);  // no name without the PIN
  EXPECT_NE(wrong.find("AFThe PIN is not right."), std::string::npos);
  const auto empty = send(*s, "23001" + kNow + "AOCL|AAR1000|AC|AD|");
  EXPECT_NE(empty.find("|CQN|"), std::string::npos);
  // A reader without a PIN cannot pass a PIN check with any PIN.
  EXPECT_NE(send(*s, "23001" + kNow + "AOCL|AAR1002|AC|AD0000|").find("|CQN|"), std::string::npos);
  const auto unknown = send(*s, "23001" + kNow + "AO|AANOBODY|AC|AD1234|");
  EXPECT_EQ(unknown.substr(2, 4), "YY Y");
  EXPECT_NE(unknown.find("|BLN|"), std::string::npos);
}

TEST_P(Sip2Session, PatronPinsAreThrottledLikeTheWebLogin) {
  auto s = logged_in();
  for (int i = 0; i < 5; ++i) send(*s, "23001" + kNow + "AOCL|AAR1000|AC|AD000" + std::to_string(i) + "|");
  const auto locked = send(*s, "23001" + kNow + "AOCL|AAR1000|AC|AD1234|");
  EXPECT_NE(locked.find("|CQN|"), std::string::npos);
  EXPECT_NE(locked.find("Too many"), std::string::npos);
}

TEST_P(Sip2Session, CheckoutAndCheckinWithChineseTitles) {
  auto s = logged_in();
  const auto lent = send(*s, checkout("R1000", "B100"));
  EXPECT_EQ(lent.substr(0, 6), "121NNY") << lent;
  EXPECT_EQ(lent.substr(6, 18), kNow);
  EXPECT_NE(lent.find("|AJ書名 Title of B100|"), std::string::npos);
  EXPECT_NE(lent.find("|AH20261207    235959|"), std::string::npos);
  EXPECT_NE(lent.find("AFBorrowed. Please return it by 2026-12-07."), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE channel = 'self_check'"), 1);  // the account's kind
  // Somebody else cannot borrow it now.
  auto other = logged_in();
  const auto refused = send(*other, checkout("R1001", "B100", "5678"));
  EXPECT_EQ(refused.substr(0, 6), "120NUN");
  EXPECT_NE(refused.find("AF"), std::string::npos);
  const auto back = send(*s, checkin("B100"));
  EXPECT_EQ(back.substr(0, 6), "101YNN") << back;
  EXPECT_NE(back.find("|AQCL|AJ書名 Title of B100|"), std::string::npos);
  EXPECT_NE(back.find("AFReturned. Thank you. Put it back on the shelf"), std::string::npos);
  // A new transaction (another date): the item is not on loan any more.
  const auto again = send(*s, "09N20261123    100500" + kBlank + "APCL|AOCL|ABB100|AC|");
  EXPECT_NE(again.find("This item was not on loan."), std::string::npos);
  const auto unknown = send(*s, checkin("NOPE"));
  EXPECT_EQ(unknown.substr(0, 3), "100");
}

TEST_P(Sip2Session, CheckoutNeedsThePinUnlessTheAccountSaysOtherwise) {
  auto s = logged_in();
  EXPECT_EQ(send(*s, checkout("R1000", "B100", "0000")).substr(0, 3), "120");
  const auto no_pin = "11NN" + kNow + kBlank + "AOCL|AAR1000|ABB100|AC|";
  EXPECT_NE(send(*s, no_pin).find("AFPlease enter your PIN."), std::string::npos);
  auto drop = logged_in("drop01", "terminal-secret-2");
  EXPECT_EQ(send(*drop, no_pin).substr(0, 3), "121");
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE channel = 'book_drop'"), 1);
}

TEST_P(Sip2Session, ResentCheckoutIsAppliedOnceAndAnsweredTheSame) {
  auto s = logged_in();
  const auto first = send(*s, checkout("R1000", "B100"));
  // The reply was lost; the terminal reconnects and sends the same message again.
  auto again = logged_in();
  const auto second = send(*again, checkout("R1000", "B100"));
  EXPECT_EQ(first, second);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans"), 1);
}

TEST_P(Sip2Session, RefusalsInTheTerminalsLanguage) {
  auto s = logged_in();
  send(*s, "63019" + kNow + "          AOCL|AAR1000|AC|AD1234|");
  EXPECT_EQ(s->language(), domain::Language::kTraditionalChinese);
  const auto refused = send(*s, checkout("R1000", "REF1"));
  EXPECT_EQ(refused.substr(0, 3), "120");
  const auto english =
      translator.translate(domain::Language::kEnglish, domain::error_info(domain::ErrorCode::kItemNotLoanable).message);
  const auto chinese = translator.translate(domain::Language::kTraditionalChinese,
                                            domain::error_info(domain::ErrorCode::kItemNotLoanable).message);
  EXPECT_NE(english, chinese);
  EXPECT_NE(refused.find("AF" + chinese), std::string::npos) << refused;
  send(*s, "63001" + kNow + "          AOCL|AAR1000|AC|AD1234|");
  EXPECT_NE(send(*s, checkout("R1000", "REF1")).find("AF" + english), std::string::npos);
}

TEST_P(Sip2Session, PatronInformationSummaries) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B100"));
  send(*s, checkout("R1000", "B101"));
  const auto info = send(*s, "63001" + kNow + "  Y       AOCL|AAR1000|AC|AD1234|BP1|BQ5|");
  EXPECT_EQ(info.substr(0, 2), "64");
  EXPECT_EQ(info.substr(37, 24), "000000000002000000000000") << info;
  EXPECT_NE(info.find("|AUB100|AUB101|"), std::string::npos);
  EXPECT_NE(info.find("|BZ0010|CB0010|"), std::string::npos);
  EXPECT_NE(info.find("|CC130.00|"), std::string::npos);
  EXPECT_EQ(info.find("BD"), std::string::npos);  // no personal fields
  // Without the PIN: who, but not what.
  const auto locked = send(*s, "63001" + kNow + "  Y       AOCL|AAR1000|AC|AD0000|");
  EXPECT_EQ(locked.substr(37, 24), std::string(24, ' '));
  EXPECT_EQ(locked.find("AUB100"), std::string::npos);
  // Overdue after three weeks.
  clock->set(clock->now() + std::chrono::days(21));
  const auto later =
      send(*s, "63001" + format_sip_date(to_sip_date(clock->now(), *zone)) + " Y        AOCL|AAR1000|AC|AD1234|");
  EXPECT_EQ(later.substr(2, 14), "YY Y  Y       ") << later;
  EXPECT_NE(later.find("|ATB100|ATB101|"), std::string::npos);
}

TEST_P(Sip2Session, RenewalsThroughCheckoutRenewAndRenewAll) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B100"));
  send(*s, checkout("R1000", "B101"));
  clock->set(clock->now() + std::chrono::days(3));
  const auto now = format_sip_date(to_sip_date(clock->now(), *zone));
  const auto via_checkout = send(*s, "11YN" + now + kBlank + "AOCL|AAR1000|ABB100|AC|AD1234|");
  EXPECT_EQ(via_checkout.substr(0, 4), "121Y") << via_checkout;
  EXPECT_NE(via_checkout.find("|AH20261210    235959|"), std::string::npos);
  // Without the renewal policy flag it is a refusal.
  EXPECT_EQ(send(*s, "11NN" + now + kBlank + "AOCL|AAR1000|ABB100|AC|AD1234|").substr(0, 3), "120");
  const auto renewed = send(*s, "29NN" + now + kBlank + "AOCL|AAR1000|AD1234|ABB101|AC|");
  EXPECT_EQ(renewed.substr(0, 4), "301Y") << renewed;
  EXPECT_NE(renewed.find("|BKR"), std::string::npos);
  EXPECT_EQ(send(*s, "29NN" + now + kBlank + "AOCL|AAR1001|AD5678|ABB101|AC|").substr(0, 3), "300");
  const auto all = send(*s, "65" + now + "AOCL|AAR1000|AD1234|");
  EXPECT_EQ(all.substr(0, 11), "66100020000") << all;
  EXPECT_NE(all.find("|BMB100|BMB101|"), std::string::npos);
}

TEST_P(Sip2Session, CheckinRoutesReservationsAndDatesBookDropReturns) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B100"));
  // R1001 reserves the title for pick-up at KT.
  const auto placed = send(*s, "15+" + kNow + "BSKT|AOCL|AAR1001|AD5678|ABB100|");
  EXPECT_EQ(placed.substr(0, 4), "161N") << placed;
  EXPECT_NE(placed.find("|BR1|BSKT|"), std::string::npos);
  // Dropped in the book drop 20 days later, but emptied two days after that: the fine stops at the drop.
  clock->set(clock->now() + std::chrono::days(22));
  const auto dropped = format_sip_date(to_sip_date(clock->now() - std::chrono::days(2), *zone));
  const auto back =
      send(*s, "09N" + format_sip_date(to_sip_date(clock->now(), *zone)) + dropped + "APCL|AOCL|ABB100|AC|");
  EXPECT_EQ(back.substr(0, 6), "101YNY") << back;
  EXPECT_NE(back.find("|CTKT|CV02|"), std::string::npos);
  EXPECT_NE(back.find("BV9.00|"), std::string::npos);  // 6 days at HK$1.50, not 8
  EXPECT_NE(back.find("Send it to Kowloon Library"), std::string::npos);
}

TEST_P(Sip2Session, HoldsArePlacedCancelledAndChanged) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B102"));
  EXPECT_EQ(send(*s, "15+" + kNow + "AOCL|AAR1001|AD5678|ABB102|").substr(0, 3), "161");
  EXPECT_EQ(send(*s, "15+" + kNow + "AOCL|AAR1001|AD5678|ABB102|").substr(0, 3), "160");  // already reserved
  const auto changed = send(*s, "15*" + kNow + "BSKT|AOCL|AAR1001|AD5678|ABB102|");
  EXPECT_EQ(changed.substr(0, 3), "161") << changed;
  EXPECT_EQ(send(*s, "15-" + kNow + "AOCL|AAR1001|AD5678|ABB102|").substr(0, 3), "161");
  EXPECT_EQ(send(*s, "15-" + kNow + "AOCL|AAR1001|AD5678|ABB102|").substr(0, 3), "160");
  EXPECT_EQ(count("SELECT COUNT(*) FROM reservations WHERE status = 'cancelled'"), 1);
}

TEST_P(Sip2Session, FeesArePaidOnce) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B100"));
  clock->set(clock->now() + std::chrono::days(16));  // two days overdue: HK$3.00
  send(*s, checkin("B100"));
  const auto now = format_sip_date(to_sip_date(clock->now(), *zone));
  const auto too_much = send(*s, "37" + now + "0100HKDBV5.00|AOCL|AAR1000|AD1234|BKT1|");
  EXPECT_EQ(too_much.substr(0, 3), "38N");
  const auto paid = send(*s, "37" + now + "0100HKDBV3.00|AOCL|AAR1000|AD1234|BKT2|");
  EXPECT_EQ(paid.substr(0, 3), "38Y") << paid;
  EXPECT_NE(paid.find("|BKT2|AFPayment received. Receipt number P"), std::string::npos);
  EXPECT_EQ(send(*s, "37" + now + "0100HKDBV3.00|AOCL|AAR1000|AD1234|BKT2|").substr(0, 3), "38Y");  // resent
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 1);
}

TEST_P(Sip2Session, ItemInformationAndStatusUpdate) {
  auto s = logged_in();
  send(*s, checkout("R1000", "B100"));
  const auto info = send(*s, "17" + kNow + "AOCL|ABB100|AC|");
  EXPECT_EQ(info.substr(0, 8), "18040001") << info;
  EXPECT_NE(info.find("ABB100|AJ書名 Title of B100|CF0|AH20261207    235959|BGCL|CK001|AQCL|"), std::string::npos)
      << info;
  EXPECT_EQ(send(*s, "17" + kNow + "AOCL|ABB101|").substr(0, 4), "1803");
  EXPECT_NE(send(*s, "17" + kNow + "AOCL|ABNOPE|").find("AFWe do not know this item."), std::string::npos);
  const auto update = send(*s, "19" + kNow + "AOCL|ABB100|CHnew properties|");
  EXPECT_EQ(update.substr(0, 3), "200");
}

TEST_P(Sip2Session, BlockEnableAndEndSession) {
  auto s = logged_in();
  const auto blocked = send(*s, "01N" + kNow + "AOCL|ALCard retained|AAR1003|AC|");
  EXPECT_EQ(blocked.substr(0, 2), "24");
  EXPECT_EQ(blocked[6], 'Y');  // card reported lost
  auto drop = logged_in("drop01", "terminal-secret-2");
  const auto refused = send(*drop, "11NN" + kNow + kBlank + "AOCL|AAR1003|ABB100|AC|");
  EXPECT_EQ(refused.substr(0, 3), "120");
  EXPECT_NE(refused.find("lost"), std::string::npos) << refused;
  const auto enable = send(*s, "25" + kNow + "AOCL|AAR1000|AD1234|");
  EXPECT_EQ(enable.substr(0, 2), "26");
  EXPECT_NE(enable.find("Please ask staff"), std::string::npos);
  EXPECT_EQ(send(*s, "35" + kNow + "AOCL|AAR1000|").substr(0, 3), "36Y");
}

// A reader registered online has an address, e-mail, mobile and birth date: 64 sends them (BD, BE, BF, PB)
// to accounts allowed them, after the right PIN, and never otherwise.
TEST_P(Sip2Session, PersonalFieldsOnlyToAccountsAllowedThem) {
  add_registered_reader("R2000", "2468");
  ASSERT_TRUE(app::add_sip_account(*context, {"sc-personal", "CL", "terminal-secret-4", {}, true, true}));
  const auto info = "63001" + kNow + "          AOCL|AAR2000|AC|AD2468|";
  auto allowed = logged_in("sc-personal", "terminal-secret-4");
  const auto sent = send(*allowed, info);
  EXPECT_NE(sent.find("|BDFlat 3, 12 Nathan Road Kowloon|BEchan.taiman@example.hk|BF91234567|PB19900501|"),
            std::string::npos)
      << sent;
  // Not without the PIN, and not in 24.
  const auto wrong_pin = send(*allowed, "63001" + kNow + "          AOCL|AAR2000|AC|AD0000|");
  for (const auto* id : {"|BD", "|BE", "|BF", "|PB", "example.hk", "9123"})
    EXPECT_EQ(wrong_pin.find(id), std::string::npos) << id << " in " << wrong_pin;
  const auto status = send(*allowed, "23001" + kNow + "AOCL|AAR2000|AC|AD2468|");
  EXPECT_EQ(status.find("|BD"), std::string::npos) << status;
  // Not to an account without --send-personal-fields.
  auto plain = logged_in();
  const auto withheld = send(*plain, info);
  EXPECT_NE(withheld.find("|AE陳大文|"), std::string::npos) << withheld;
  for (const auto* id : {"|BD", "|BE", "|BF", "|PB", "example.hk", "9123"})
    EXPECT_EQ(withheld.find(id), std::string::npos) << id << " in " << withheld;
  // A reader with none of them: nothing empty is sent.
  const auto bare = send(*allowed, "63001" + kNow + "          AOCL|AAR1000|AC|AD1234|");
  EXPECT_EQ(bare.find("|BD"), std::string::npos) << bare;
  EXPECT_EQ(bare.find("|PB"), std::string::npos) << bare;
}

// 29 (and 11 renewing) for an item that exists but is not the reader's: said as it is, in their language.
TEST_P(Sip2Session, RenewingAnItemNotOnLoanToTheReaderSaysSo) {
  auto s = logged_in();
  send(*s, checkout("R1001", "B100", "5678"));
  const auto others = send(*s, "29NN" + kNow + kBlank + "AOCL|AAR1000|AD1234|ABB100|AC|");
  EXPECT_EQ(others.substr(0, 3), "300");
  EXPECT_NE(others.find("|AFThis item is not on loan to you.|"), std::string::npos) << others;
  const auto on_shelf = send(*s, "29NN" + kNow + kBlank + "AOCL|AAR1000|AD1234|ABB101|AC|");
  EXPECT_NE(on_shelf.find("|AFThis item is not on loan to you.|"), std::string::npos) << on_shelf;
  const auto unknown = send(*s, "29NN" + kNow + kBlank + "AOCL|AAR1000|AD1234|ABNOPE|AC|");
  EXPECT_NE(unknown.find("|AFWe do not know this item.|"), std::string::npos) << unknown;
  send(*s, "63019" + kNow + "          AOCL|AAR1000|AC|AD1234|");
  const auto chinese = send(*s, "29NN" + kNow + kBlank + "AOCL|AAR1000|AD1234|ABB100|AC|");
  EXPECT_NE(chinese.find(
                "|AF" +
                translator.translate(domain::Language::kTraditionalChinese, "This item is not on loan to you.") + "|"),
            std::string::npos)
      << chinese;
  EXPECT_EQ(chinese.find("not on loan"), std::string::npos) << chinese;
}

// 01 has no PIN: on a terminal that needs PINs, the reply names nobody and shows no amount unless this session
// verified the reader's PIN.
TEST_P(Sip2Session, BlockPatronShowsNoPersonalFieldsWithoutAVerifiedPin) {
  auto s = logged_in();
  const auto blocked = send(*s, "01N" + kNow + "AOCL|ALCard retained|AAR1000|AC|");
  EXPECT_EQ(blocked.substr(0, 2), "24");
  EXPECT_EQ(blocked[6], 'Y');  // blocked all the same
  EXPECT_NE(blocked.find("|AE|"), std::string::npos) << blocked;
  EXPECT_EQ(blocked.find("陳大文"), std::string::npos) << blocked;
  EXPECT_EQ(blocked.find("|BV"), std::string::npos) << blocked;
  EXPECT_EQ(blocked.find("|BH"), std::string::npos) << blocked;
  // After the reader's PIN in this session: as 23 with the PIN.
  send(*s, "23001" + kNow + "AOCL|AAR1001|AC|AD5678|");
  const auto verified = send(*s, "01N" + kNow + "AOCL|ALCard retained|AAR1001|AC|");
  EXPECT_NE(verified.find("|AE陳大文 1|"), std::string::npos) << verified;
  EXPECT_NE(verified.find("|BV0.00|"), std::string::npos) << verified;
  // Another card than the verified one: nothing.
  const auto other = send(*s, "01N" + kNow + "AOCL|ALCard retained|AAR1002|AC|");
  EXPECT_EQ(other.find("陳大文"), std::string::npos) << other;
  // A --no-pin account (a book drop staff stand beside) sees the card's holder.
  auto drop = logged_in("drop01", "terminal-secret-2");
  EXPECT_NE(send(*drop, "01N" + kNow + "AOCL|ALCard retained|AAR1003|AC|").find("|AE陳大文 3|"), std::string::npos);
}

// A terminal account blocks at most app::kTerminalBlocksPerWindow cards an hour, across its connections.
TEST_P(Sip2Session, BlockPatronIsThrottledPerTerminalAccount) {
  store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    for (int i = 0; i < 10; ++i)
      repos.circulation.insert_reader({0, "T" + std::to_string(i), "Reader", domain::ReaderCategory::kAdult,
                                       domain::ReaderStatus::kActive, *parse_iso_date("2030-12-31")},
                                      clock->now());
  });
  auto block = [&](Session& session, int i) {
    return send(session, "01N" + kNow + "AOCL|ALCard retained|AAT" + std::to_string(i) + "|AC|");
  };
  for (int i = 0; i < app::kTerminalBlocksPerWindow; ++i) {
    auto s = logged_in();  // a new connection each time: the count is the account's
    EXPECT_EQ(block(*s, i)[6], 'Y') << i;
  }
  auto s = logged_in();
  const auto refused = block(*s, 9);
  EXPECT_EQ(refused.substr(0, 2), "24");
  EXPECT_EQ(refused[6], ' ') << refused;  // not blocked
  EXPECT_NE(refused.find("This terminal has blocked too many cards."), std::string::npos) << refused;
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE card_number = 'T9' AND status = 'active'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'sip.block_throttled'"), 1);
  // Another terminal account is not affected.
  auto drop = logged_in("drop01", "terminal-secret-2");
  EXPECT_EQ(block(*drop, 8)[6], 'Y');
  // An hour later the terminal may block again.
  clock->set(clock->now() + app::kTerminalBlockWindow + std::chrono::minutes(1));
  EXPECT_EQ(block(*s, 9)[6], 'Y');
}

// The session a self-check client runs (as Evergreen's SIPServer tests and 3M machines do), with error
// detection on: every reply checked field by field against the SIP2 2.00 specification.
class Sip2Conformance {
 public:
  Sip2Conformance(Session& session, const FixedClock& clock, const TimeZone& zone)
      : session_(session), clock_(clock), zone_(zone) {}
  // Sends `message` with AY and AZ; returns the reply's fields once it has been checked.
  std::vector<Field> exchange(const std::string& message, std::string_view expected_code) {
    const auto sequence = std::to_string(sequence_);
    sequence_ = (sequence_ + 1) % 10;
    auto request = message + "AY" + sequence + "AZ";
    request += checksum(request);
    last = session_.handle({request, Terminator::kCr});
    SCOPED_TRACE("request: " + message);
    EXPECT_EQ(last.substr(0, 2), expected_code) << last;
    return expect_conforms(last, sequence);
  }
  std::string now() const { return format_sip_date(to_sip_date(clock_.now(), zone_)); }
  std::string last;

 private:
  Session& session_;
  const FixedClock& clock_;
  const TimeZone& zone_;
  int sequence_ = 0;
};

TEST_P(Sip2Session, AClientsWholeSessionConformsToTheSpecification) {
  add_registered_reader("R2000", "2468");
  add_registered_reader("R2001", "1357");
  ASSERT_TRUE(app::add_sip_account(*context, {"sc-personal", "CL", "terminal-secret-4", {}, true, true}));
  struct Run {
    std::string user, secret, patron, pin, item, other_item;
    bool personal;
  };
  for (const auto& run : {Run{"sc-personal", "terminal-secret-4", "R2000", "2468", "B100", "B101", true},
                          Run{"sc01", "terminal-secret-1", "R2001", "1357", "B102", "B103", false}}) {
    SCOPED_TRACE("personal fields " + std::string(run.personal ? "on" : "off"));
    auto s = session();
    Sip2Conformance c(*s, *clock, *zone);
    auto reply = c.exchange("9300CN" + run.user + "|CO" + run.secret + "|CPCL|", "94");
    EXPECT_EQ(c.last.substr(0, 3), "941");
    reply = c.exchange("9900302.00", "98");
    EXPECT_EQ(value_of(reply, "AO"), "CL");
    EXPECT_EQ(value_of(reply, "AN"), run.user);

    // 11 checkout, then a refused one.
    const auto patron = "AOCL|AA" + run.patron + "|";
    reply = c.exchange("11NN" + c.now() + kBlank + patron + "AB" + run.item + "|AC|AD" + run.pin + "|", "12");
    EXPECT_EQ(c.last.substr(0, 3), "121");
    EXPECT_EQ(value_of(reply, "AB"), run.item);
    EXPECT_FALSE(value_of(reply, "AH").empty());
    reply = c.exchange("11NN" + c.now() + kBlank + patron + "ABREF1|AC|AD" + run.pin + "|", "12");
    EXPECT_EQ(c.last.substr(0, 3), "120");
    EXPECT_FALSE(value_of(reply, "AF").empty());

    // 63 with each summary type, and none.
    for (int type = -1; type < 6; ++type) {
      std::string summary(10, ' ');
      if (type >= 0) summary[static_cast<std::size_t>(type)] = 'Y';
      reply = c.exchange("63001" + c.now() + summary + patron + "AC|AD" + run.pin + "|BP1|BQ5|", "64");
      EXPECT_EQ(value_of(reply, "AE"), "陳大文");
      EXPECT_EQ(value_of(reply, "BL"), "Y");
      EXPECT_EQ(value_of(reply, "CQ"), "Y");
      EXPECT_EQ(count_of(reply, "AU"), type == 2 ? 1u : 0u);
      EXPECT_EQ(c.last.substr(2 + 14 + 3 + 18 + 8, 4), "0001");  // charged items count
      const std::vector<std::pair<std::string_view, std::string>> personal = {{"BD", "Flat 3, 12 Nathan Road Kowloon"},
                                                                              {"BE", "chan.taiman@example.hk"},
                                                                              {"BF", "91234567"},
                                                                              {"PB", "19900501"}};
      for (const auto& [id, value] : personal) EXPECT_EQ(value_of(reply, id), run.personal ? value : "") << id;
    }
    // Without the PIN: the layout holds, the counts are blank and no personal field is sent.
    reply = c.exchange("63001" + c.now() + "  Y       " + patron + "AC|AD0000|", "64");
    EXPECT_EQ(value_of(reply, "CQ"), "N");
    EXPECT_EQ(value_of(reply, "BD"), "");
    EXPECT_EQ(value_of(reply, "AE"), "");

    // 29 renew three days later, and one refused.
    clock->set(clock->now() + std::chrono::days(3));
    reply = c.exchange("29NN" + c.now() + kBlank + patron + "AD" + run.pin + "|AB" + run.item + "|AC|", "30");
    EXPECT_EQ(c.last.substr(0, 4), "301Y");
    EXPECT_EQ(value_of(reply, "BK").substr(0, 1), "R");
    reply = c.exchange("29NN" + c.now() + kBlank + patron + "AD" + run.pin + "|AB" + run.other_item + "|AC|", "30");
    EXPECT_EQ(c.last.substr(0, 3), "300");
    EXPECT_EQ(value_of(reply, "AF"), "This item is not on loan to you.");

    // 15 hold: another reader reserves the title for pick-up at KT.
    reply = c.exchange("15+" + c.now() + "BSKT|AOCL|AAR1001|AD5678|AB" + run.item + "|", "16");
    EXPECT_EQ(c.last.substr(0, 3), "161");
    EXPECT_EQ(value_of(reply, "BS"), "KT");
    EXPECT_EQ(value_of(reply, "BR"), "1");

    // 09 checkin late: a fine, and the item routed to the reservation at KT.
    clock->set(clock->now() + std::chrono::days(17));
    reply = c.exchange("09N" + c.now() + kBlank + "APCL|AOCL|AB" + run.item + "|AC|", "10");
    EXPECT_EQ(c.last.substr(0, 6), "101YNY");
    EXPECT_EQ(value_of(reply, "AQ"), "CL");
    EXPECT_EQ(value_of(reply, "CT"), "KT");
    EXPECT_EQ(value_of(reply, "CV"), "02");
    const auto fine = value_of(reply, "BV");
    EXPECT_FALSE(fine.empty());

    // 37 fee paid.
    reply = c.exchange(
        "37" + c.now() + "0100HKDBV" + fine + "|" + patron + "AD" + run.pin + "|BKpay-" + run.patron + "|", "38");
    EXPECT_EQ(c.last.substr(0, 3), "38Y");
    EXPECT_EQ(value_of(reply, "BK"), "pay-" + run.patron);

    // 35 end session.
    reply = c.exchange("35" + c.now() + patron, "36");
    EXPECT_EQ(c.last.substr(0, 3), "36Y");
    EXPECT_EQ(value_of(reply, "AA"), run.patron);
  }
}

TEST_P(Sip2Session, MalformedMessagesChecksumsAndResend) {
  auto s = logged_in();
  EXPECT_EQ(send(*s, "XX"), "96\r");
  EXPECT_EQ(send(*s, "1"), "96\r");
  EXPECT_EQ(send(*s, "11YN2026"), "96\r");
  EXPECT_EQ(send(*s, "55" + kNow), "96\r");
  // A wrong checksum: 96 with a checksum of its own.
  EXPECT_EQ(send(*s, "9900302.00AY1AZ0000"), "96AZFEF6\r");
  // Right checksum: the reply echoes the sequence number and carries an exact checksum.
  std::string status = "9900302.00AY1AZ";
  status += checksum(status);
  const auto reply = send(*s, status);
  EXPECT_EQ(verify_checksum(reply.substr(0, reply.size() - 1)), ChecksumCheck::kValid);
  EXPECT_NE(reply.find("|AY1AZ"), std::string::npos);
  // 97: the last reply again, byte for byte (not the 96s).
  EXPECT_EQ(send(*s, "97"), reply);
  const auto lent = send(*s, checkout("R1000", "B100"));
  EXPECT_EQ(send(*s, "97AZFEF5"), lent);
  // Answered in the client's style of line end.
  const auto crlf = send(*s, "9900302.00", Terminator::kCrLf);
  EXPECT_EQ(crlf.substr(crlf.size() - 2), "\r\n");
}

TEST_P(Sip2Session, ToleratesWhatRealClientsSend) {
  auto s = logged_in();
  // Fields in any order, an empty institution id, no AC, no '|' after the last field, trailing spaces.
  const auto status = send(*s, "23001" + kNow + "AD1234|AAR1000|AO|AC|   ");
  EXPECT_NE(status.find("|BLY|CQY|"), std::string::npos) << status;
  const auto lent = send(*s, "11NN" + kNow + kBlank + "ABB100|AD1234|AAR1000|AO");
  EXPECT_EQ(lent.substr(0, 3), "121") << lent;
  // A field sent twice keeps its first value.
  const auto info = send(*s, "17" + kNow + "ABB100|ABB101|AOCL|");
  EXPECT_EQ(info.substr(0, 4), "1804") << info;
}

TEST_P(Sip2Session, RepliesEndLikeTheClientsMessages) {
  auto s = session();
  EXPECT_EQ(send(*s, "9300CNsc01|COterminal-secret-1|", Terminator::kCrLf), "941\r\n");
  EXPECT_EQ(send(*s, "9300CNsc01|COterminal-secret-1|", Terminator::kLf), "941\n");
  EXPECT_EQ(send(*s, "9300CNsc01|COterminal-secret-1|", Terminator::kCr), "941\r");
}

// The store and the app functions under the session.
TEST_P(Sip2Session, TerminalAccountsAreStoredWithHashedSecrets) {
  std::vector<app::SipAccountRecord> all;
  store->transact(app::Store::Mode::kRead, [&](app::Repositories& repos) { all = repos.sip.all_accounts(); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].username, "drop01");
  EXPECT_EQ(all[0].kind, "book_drop");
  EXPECT_EQ(all[2].kind, "self_check");
  EXPECT_FALSE(all[0].pin_required);
  EXPECT_EQ(all[1].username, "locked");
  EXPECT_EQ(all[1].allowed_addresses, std::vector<std::string>{"10.1.2.3"});
  EXPECT_EQ(all[2].library_id, central);
  EXPECT_TRUE(all[2].pin_required);
  EXPECT_FALSE(all[2].send_personal_fields);
  EXPECT_EQ(all[2].secret_hash.find("terminal-secret"), std::string::npos);
  EXPECT_EQ(all[2].created_at, clock->now());
  store->transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    EXPECT_FALSE(repos.sip.account_by_username("nobody"));
    EXPECT_TRUE(repos.sip.account_by_username("sc01"));
  });
  auto taken = app::add_sip_account(*context, {"SC01", "CL", "another-secret-1", {}, false, true});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, domain::ErrorCode::kUsernameTaken);
  auto unknown = app::add_sip_account(*context, {"sc02", "ZZ", "another-secret-1", {}, false, true});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields.at(0).field, "library");
  auto odd = app::add_sip_account(*context, {"sc04", "CL", "another-secret-1", {}, false, true, "sip2"});
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().fields.at(0).field, "kind");
  auto weak = app::add_sip_account(*context, {"sc03", "CL", "short", {}, false, true});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().fields.at(0).code, domain::ErrorCode::kPasswordTooShort);
}

TEST_P(Sip2Session, ReaderPins) {
  EXPECT_FALSE(app::set_reader_pin(*context, "R1002", "12a4"));
  EXPECT_FALSE(app::set_reader_pin(*context, "R1002", "123"));
  EXPECT_FALSE(app::set_reader_pin(*context, "NOBODY", "1234"));
  EXPECT_TRUE(app::check_reader_pin(*context, "R1000", "1234", "127.0.0.1"));
  EXPECT_EQ(app::check_reader_pin(*context, "R1000", "", "127.0.0.1").error().code,
            domain::ErrorCode::kInvalidCredentials);
  EXPECT_EQ(app::check_reader_pin(*context, "NOBODY", "1234", "127.0.0.1").error().code, domain::ErrorCode::kNotFound);
  ASSERT_TRUE(app::set_reader_pin(*context, "R1000", ""));  // removed
  EXPECT_FALSE(app::check_reader_pin(*context, "R1000", "1234", "127.0.0.1"));
  std::optional<std::string> hash;
  store->transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    hash = repos.sip.reader_pin_hash(repos.circulation.reader_by_card("R1001")->id);
  });
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->find("5678"), std::string::npos);
}

SHELFMARK_ON_BOTH_BACKENDS(Sip2Session);

}  // namespace
}  // namespace shelfmark::sip2
