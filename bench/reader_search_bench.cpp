// Finding a reader at city scale (issue 15, ADR 0020): loads N readers (default 5,000,000) into a fresh SQLite
// database in one transaction with prepared statements (names in both scripts from common Hong Kong surnames
// and given names, HKIDs by their keyed digest, mobiles, emails, and each reader's name keys as the store
// writes them), then times each kind of query through the app layer (app::find_readers, as the search page
// calls it): cold (a new connection and the database file dropped from the page cache with
// posix_fadvise(DONTNEED) before each query, each query a value not asked before) and warm (the same
// connection, repeated). Prints the median and 99th percentile in milliseconds.
//
//   reader_search_bench [--readers N] [--cold 20] [--warm 300] [--work-dir DIR --reuse]
//
// Not part of `make test`. At 5,000,000 readers it needs about 3 GB of disk in $TMPDIR; run it with `nice`.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/reader_search.h"
#include "domain/reader_search.h"
#include "domain/registration.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace {

using namespace shelfmark;
using Steady = std::chrono::steady_clock;

struct Surname {
  const char* en;
  const char* zh;
  int weight;  // roughly how common, per thousand
};
// The most common surnames in Hong Kong, in Hong Kong Government romanisation, with rough frequencies.
constexpr Surname kSurnames[] = {
    {"Chan", "陳", 110}, {"Leung", "梁", 50}, {"Cheung", "張", 45}, {"Lau", "劉", 42},  {"Li", "李", 40},
    {"Wong", "黃", 60},  {"Wong", "王", 25},  {"Lee", "李", 30},    {"Ng", "吳", 30},   {"Ho", "何", 28},
    {"Lam", "林", 35},   {"Tang", "鄧", 20},  {"Chow", "周", 20},   {"Yip", "葉", 15},  {"Tsang", "曾", 15},
    {"Yeung", "楊", 20}, {"Ma", "馬", 12},    {"Kwok", "郭", 12},   {"Fung", "馮", 12}, {"Lo", "羅", 12},
    {"Choi", "蔡", 10},  {"Mak", "麥", 10},   {"Cheng", "鄭", 18},  {"Tam", "譚", 12},  {"Chu", "朱", 10},
    {"Hui", "許", 10},   {"Siu", "蕭", 6},    {"Poon", "潘", 8},    {"Tse", "謝", 10},  {"Kwan", "關", 8},
    {"Chung", "鍾", 8},  {"Yuen", "袁", 8},   {"Au", "區", 6},      {"So", "蘇", 6},    {"Law", "羅", 6},
    {"Sze", "施", 4},    {"Man", "文", 4},    {"Luk", "陸", 4},     {"Tong", "唐", 6},  {"Shum", "岑", 4},
};
struct Syllable {
  const char* en;
  const char* zh;
};
constexpr Syllable kGiven[] = {
    {"Tai", "大"},  {"Man", "文"},  {"Siu", "小"},   {"Ming", "明"}, {"Ka", "家"},   {"Yan", "欣"},  {"Wing", "詠"},
    {"Sze", "詩"},  {"Chi", "志"},  {"Keung", "強"}, {"Mei", "美"},  {"Ling", "玲"}, {"Hoi", "凱"},  {"Ho", "豪"},
    {"Wai", "偉"},  {"Kin", "健"},  {"Kwok", "國"},  {"Wah", "華"},  {"Yuk", "玉"},  {"Fong", "芳"}, {"Hung", "雄"},
    {"Kit", "傑"},  {"Pui", "佩"},  {"Shan", "珊"},  {"Lok", "樂"},  {"Hei", "希"},  {"Tsz", "子"},  {"Yu", "宇"},
    {"Chun", "俊"}, {"Fai", "輝"},  {"Sum", "心"},   {"Wan", "雲"},  {"Kei", "琪"},  {"Long", "朗"}, {"Yee", "儀"},
    {"Lai", "麗"},  {"Hin", "軒"},  {"Ying", "盈"},  {"Tung", "東"}, {"Nga", "雅"},  {"Kwan", "君"}, {"Ching", "晴"},
    {"Chau", "秋"}, {"Hang", "恒"}, {"Lun", "倫"},   {"Pak", "柏"},  {"On", "安"},   {"Yat", "日"},
};
constexpr const char* kMailDomains[] = {"gmail.com", "yahoo.com.hk", "hotmail.com", "netvigator.com", "outlook.com"};

struct Reader {
  std::string card, name, name_zh, hkid, email, mobile;
};

// Reader `i`, the same every time (so that the queries can name readers that exist).
Reader reader_number(long long i) {
  std::mt19937_64 random(static_cast<unsigned long long>(i) * 0x9E3779B97F4A7C15ULL + 7);
  static const std::vector<int> cumulative = [] {
    std::vector<int> out;
    int sum = 0;
    for (const auto& s : kSurnames) out.push_back(sum += s.weight);
    return out;
  }();
  const int pick = static_cast<int>(random() % static_cast<unsigned long long>(cumulative.back()));
  const auto& surname = kSurnames[std::upper_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin()];
  const auto& first = kGiven[random() % std::size(kGiven)];
  const auto& second = kGiven[random() % std::size(kGiven)];
  Reader r;
  r.card = std::to_string(2100000000LL + i);
  std::string given_lower = std::string(second.en);
  for (auto& c : given_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string upper = surname.en;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Names as they arrive: "CHAN, Tai-man" from smart ID cards, "Chan Tai Man" typed.
  r.name = i % 3 == 0 ? upper + ", " + first.en + "-" + given_lower
                      : std::string(surname.en) + " " + first.en + " " + second.en;
  r.name_zh = std::string(surname.zh) + first.zh + second.zh;
  char letter = static_cast<char>('A' + i % 26);
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06lld", (i / 26) % 1000000);
  std::string body = std::string(1, letter) + digits;
  if (i >= 26LL * 1000000) body = std::string(1, static_cast<char>('A' + (i / 26000000) % 26)) + body;
  r.hkid = body + domain::hkid_check_character(body);
  r.email = std::string(surname.en) + "." + first.en + second.en + std::to_string(i) + "@" +
            kMailDomains[i % std::size(kMailDomains)];
  r.mobile = std::to_string(50000000 + i % 49999999 + (i / 49999999));
  return r;
}

double percentile(std::vector<double> values, int p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * static_cast<std::size_t>(p) / 100)];
}

void drop_from_page_cache(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

void load(store::Database& database, security::SodiumTokens& tokens, long long count) {
  auto connection = database.acquire();
  connection->execute_script("PRAGMA cache_size=-2000000;");  // 2 GB while loading: the keys arrive in any order
  connection->begin(true);
  const auto started = Steady::now();
  for (long long i = 0; i < count; ++i) {
    const auto r = reader_number(i);
    const auto id =
        connection
            ->query(
                "INSERT INTO readers (card_number, name, category, status, expires_on, created_at, hkid_digest, "
                "hkid_masked, name_zh, email, mobile) VALUES (?, ?, 'adult', 'active', '2029-06-30', 1790000000, ?, "
                "?, ?, ?, ?) RETURNING id",
                {r.card, r.name, tokens.digest("hkid:" + r.hkid), domain::Hkid{r.hkid}.masked(), r.name_zh, r.email,
                 r.mobile})
            .at(0)
            .integer(0);
    // The keys the store writes for every reader (store::index_reader_names), without its delete of none.
    for (const auto& key : domain::reader_name_keys(r.name, r.name_zh))
      connection->execute("INSERT INTO reader_name_keys (name_key, reader_id) VALUES (?, ?)", {key, id});
    if ((i + 1) % 500000 == 0)
      std::fprintf(stderr, "  %lld readers loaded (%.0f s)\n", i + 1,
                   std::chrono::duration<double>(Steady::now() - started).count());
  }
  connection->commit();
  connection->execute_script("ANALYZE;");
}

}  // namespace

int main(int argc, char** argv) {
  long long readers = 5'000'000;
  int cold_runs = 20;
  int warm_runs = 300;
  std::filesystem::path work;
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--readers") {
      readers = std::stoll(next());
    } else if (arg == "--cold") {
      cold_runs = std::stoi(next());
    } else if (arg == "--warm") {
      warm_runs = std::stoi(next());
    } else if (arg == "--work-dir") {
      work = next();
    } else if (arg == "--reuse") {
      reuse = true;
    } else {
      std::fprintf(stderr, "usage: reader_search_bench [--readers N] [--cold N] [--warm N] [--work-dir DIR --reuse]\n");
      return 2;
    }
  }
  security::initialise();
  const bool own_dir = work.empty();
  if (own_dir)
    work = std::filesystem::temp_directory_path() / ("shelfmark-reader-search-bench-" + security::random_bytes_hex(4));
  std::filesystem::create_directories(work);
  const auto file = work / "readers.db";
  const std::string url = "sqlite:" + file.string();
  security::SodiumTokens tokens{std::string(32, 'b')};
  auto zone = TimeZone::load("Asia/Hong_Kong");
  SystemClock clock;
  security::Argon2Hasher hasher{security::interactive_cost(), 1};

  if (!(reuse && std::filesystem::exists(file))) {
    std::filesystem::remove(file);
    auto database = store::Database::open(url, 1);
    store::migrate(*database);
    std::fprintf(stderr, "Loading %lld readers into %s\n", readers, file.c_str());
    const auto started = Steady::now();
    load(*database, tokens, readers);
    std::fprintf(stderr, "Loaded in %.0f s\n", std::chrono::duration<double>(Steady::now() - started).count());
  }
  const auto bytes = std::filesystem::file_size(file);

  // One query text for run `n` of a kind, each naming a reader that exists.
  std::mt19937_64 random(20261207);
  auto any = [&] { return static_cast<long long>(random() % static_cast<unsigned long long>(readers)); };
  struct Kind {
    const char* name;
    std::function<std::string()> query;
  };
  const std::vector<Kind> kinds = {
      {"card number (scan)", [&] { return reader_number(any()).card; }},
      {"HKID, typed A123456(3)",
       [&] {
         const auto h = reader_number(any()).hkid;
         return h.substr(0, h.size() - 1) + "(" + h.back() + ")";
       }},
      {"email, other case",
       [&] {
         auto e = reader_number(any()).email;
         for (auto& c : e) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return e;
       }},
      {"mobile, +852 9123 4567",
       [&] {
         const auto m = reader_number(any()).mobile;
         return "+852 " + m.substr(0, 4) + " " + m.substr(4);
       }},
      {"English name, 3 words",
       [&] {
         const auto r = reader_number(any());
         return r.name;
       }},
      {"English, surname + part",
       [&] {
         const auto r = reader_number(any());
         const auto words = domain::classify_reader_query(r.name).value().prefixes;  // sorted
         return words.at(0) + " " + words.at(1).substr(0, 2);
       }},
      {"English, no whole word",
       [&] {
         const auto r = reader_number(any());
         const auto words = domain::classify_reader_query(r.name).value().prefixes;
         return words.at(0).substr(0, 3) + " " + words.at(1).substr(0, 2);
       }},
      {"Chinese name, full", [&] { return reader_number(any()).name_zh; }},
      {"Chinese given name",
       [&] {
         const auto zh = reader_number(any()).name_zh;
         return zh.substr(zh.size() - 6);  // the last two characters (3 bytes each)
       }},
      {"common surname Chan", [] { return std::string("Chan"); }},
      {"common surname 陳", [] { return std::string("陳"); }},
  };

  std::printf("Reader search benchmark: %lld readers, SQLite %.1f GB (%s), %u cores, app::find_readers.\n", readers,
              static_cast<double>(bytes) / 1e9, file.c_str(), std::thread::hardware_concurrency());
  std::printf("%-26s %10s %10s %10s %10s %8s\n", "query", "cold p50", "cold p99", "warm p50", "warm p99", "found");
  app::Actor actor{1, domain::Role::kCounter};
  for (const auto& kind : kinds) {
    std::vector<double> cold, warm;
    long long found = 0;
    auto time_one = [&](app::Context& context, const std::string& text) {
      const auto start = Steady::now();
      auto result = app::find_readers(context, actor, text);
      const double ms = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
      if (result) found = std::max<long long>(found, result->card ? 1 : result->total);
      return ms;
    };
    for (int n = 0; n < cold_runs; ++n) {
      const auto text = kind.query();
      drop_from_page_cache(file);
      auto database = store::Database::open(url, 1);
      store::SqlStore store(*database);
      app::Context context{store, clock, *zone, hasher, tokens};
      cold.push_back(time_one(context, text));
    }
    auto database = store::Database::open(url, 1);
    store::SqlStore store(*database);
    app::Context context{store, clock, *zone, hasher, tokens};
    std::vector<std::string> texts;
    for (int n = 0; n < 20; ++n) texts.push_back(kind.query());
    for (const auto& text : texts) time_one(context, text);  // warm the cache with these
    for (int n = 0; n < warm_runs; ++n) warm.push_back(time_one(context, texts[static_cast<std::size_t>(n) % 20]));
    std::printf("%-26s %10.2f %10.2f %10.2f %10.2f %8lld\n", kind.name, percentile(cold, 50), percentile(cold, 99),
                percentile(warm, 50), percentile(warm, 99), found);
    std::fflush(stdout);
  }
  if (own_dir) std::filesystem::remove_all(work);
  return 0;
}
