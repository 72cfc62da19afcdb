#include "bin/demo_catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "app/catalogue.h"

namespace shelfmark::bin {
namespace {

// A small deterministic generator (splitmix64): std:: distributions differ between standard libraries.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }

 private:
  std::uint64_t state_;
};

// Words for titles. Chinese titles are built from two or three of these in Traditional script; a few
// records are catalogued in Simplified, as imported records often are.
constexpr std::array<std::string_view, 40> kChineseWords = {
    "香港", "歷史", "城市", "故事", "海港", "山水", "文學", "科學", "兒童", "家庭", "旅行", "飲食", "音樂", "藝術",
    "經濟", "教育", "自然", "動物", "天文", "地理", "詩詞", "小說", "人生", "時間", "夢想", "記憶", "電影", "建築",
    "設計", "健康", "運動", "語言", "哲學", "社會", "文化", "世界", "未來", "傳統", "花園", "星空"};
constexpr std::array<std::string_view, 12> kChineseEndings = {"之旅", "入門", "概論", "簡史", "漫談", "圖鑑",
                                                              "全集", "研究", "指南", "手冊", "選集", "新編"};
constexpr std::array<std::string_view, 40> kEnglishWords = {
    "Harbour",    "History", "City",     "Stories",   "Mountains", "Rivers",    "Literature", "Science",
    "Children",   "Family",  "Journeys", "Food",      "Music",     "Art",       "Economics",  "Education",
    "Nature",     "Animals", "Stars",    "Maps",      "Poetry",    "Novels",    "Life",       "Time",
    "Dreams",     "Memory",  "Film",     "Buildings", "Design",    "Health",    "Sport",      "Language",
    "Philosophy", "Society", "Culture",  "World",     "Future",    "Tradition", "Gardens",    "Islands"};
constexpr std::array<std::string_view, 10> kEnglishPatterns = {
    "A short history of {}", "{} and {}",    "The {} book", "Understanding {}", "{} for beginners",
    "The secret life of {}", "Voices of {}", "{}: a guide", "Modern {}",        "Café conversations on {}"};
constexpr std::array<std::string_view, 30> kChineseNames = {
    "陳大文", "李小龍", "張愛玲", "金庸",   "黃霑",   "劉以鬯", "西西",   "也斯",   "董橋",   "林夕",
    "梁實秋", "錢鍾書", "老舍",   "魯迅",   "沈從文", "蕭紅",   "余光中", "白先勇", "三毛",   "亦舒",
    "倪匡",   "蔡瀾",   "黃碧雲", "陳冠中", "葉輝",   "馬家輝", "鍾曉陽", "周潤發", "吳靄儀", "何福仁"};
constexpr std::array<std::string_view, 30> kEnglishNames = {
    "Austen, Jane",      "Dickens, Charles",   "Woolf, Virginia", "Orwell, George",    "Brontë, Charlotte",
    "Tolkien, J. R. R.", "Carroll, Lewis",     "Twain, Mark",     "Hemingway, Ernest", "Fitzgerald, F. Scott",
    "Smith, Zadie",      "Ishiguro, Kazuo",    "Morrison, Toni",  "Atwood, Margaret",  "Márquez, Gabriel García",
    "Murakami, Haruki",  "Le Guin, Ursula K.", "Rowling, J. K.",  "Pullman, Philip",   "Dahl, Roald",
    "Chan, Tai Man",     "Wong, Mei Ling",     "Lee, Siu Ming",   "Cheung, Ka Yan",    "Lam, Wing Sze",
    "Ho, Chi Keung",     "Ng, Suk Fan",        "Leung, Ho Yin",   "Yip, Hoi Ting",     "Tsang, Yuk Lan"};
constexpr std::array<std::string_view, 16> kEnglishSubjects = {"Hong Kong (China) -- History",
                                                               "Children's stories",
                                                               "Cooking, Chinese",
                                                               "Architecture -- Hong Kong",
                                                               "Astronomy",
                                                               "Economics",
                                                               "Poetry",
                                                               "Science fiction",
                                                               "Natural history",
                                                               "Music -- History and criticism",
                                                               "Travel",
                                                               "Philosophy",
                                                               "Education",
                                                               "Health",
                                                               "Sports",
                                                               "Design"};
constexpr std::array<std::string_view, 16> kChineseSubjects = {
    "香港 -- 歷史", "兒童故事", "中國烹飪", "建築 -- 香港", "天文學", "經濟學", "詩歌", "科幻小說",
    "自然史",       "音樂史",   "旅遊",     "哲學",         "教育",   "健康",   "體育", "設計"};
constexpr std::array<std::string_view, 6> kPublishersEnglish = {
    "Hong Kong University Press", "Penguin",      "Oxford University Press", "Chinese University Press",
    "Joint Publishing (H.K.)",    "Harbour Books"};
constexpr std::array<std::string_view, 6> kPublishersChinese = {
    "三聯書店（香港）有限公司", "商務印書館", "中華書局", "天地圖書", "明報出版社", "香港大學出版社"};
constexpr std::array<std::string_view, 6> kSeriesEnglish = {"Hong Kong studies",       "Penguin classics",
                                                            "Young readers",           "Science for everyone",
                                                            "Library of world poetry", "City guides"};
constexpr std::array<std::string_view, 6> kSeriesChinese = {"香港文庫", "經典文學叢書", "少年讀物",
                                                            "大眾科學", "世界詩叢",     "城市導覽"};

domain::MarcField control(std::string tag, std::string value) {
  domain::MarcField field;
  field.tag = std::move(tag);
  field.value = std::move(value);
  return field;
}

domain::MarcField data(std::string tag, char ind1, char ind2, std::vector<std::pair<char, std::string>> subfields) {
  domain::MarcField field;
  field.tag = std::move(tag);
  field.ind1 = ind1;
  field.ind2 = ind2;
  for (auto& [code, value] : subfields) field.subfields.push_back({code, std::move(value)});
  return field;
}

// An ISBN-13 with a valid check digit, from a number.
std::string isbn13(std::uint64_t number) {
  auto digits = fmt::format("978{:09}", number % 1000000000ULL);
  int sum = 0;
  for (std::size_t i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
  return digits + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string simplified_variant(const std::string& traditional) {
  // A handful of common pairs, enough that some demo records are in Simplified script.
  static const std::pair<std::string_view, std::string_view> kPairs[] = {
      {"歷", "历"}, {"學", "学"}, {"兒", "儿"}, {"藝", "艺"}, {"經", "经"}, {"濟", "济"}, {"說", "说"},
      {"夢", "梦"}, {"記", "记"}, {"憶", "忆"}, {"電", "电"}, {"築", "筑"}, {"設", "设"}, {"計", "计"},
      {"運", "运"}, {"動", "动"}, {"語", "语"}, {"會", "会"}, {"傳", "传"}, {"統", "统"}, {"園", "园"},
      {"詩", "诗"}, {"詞", "词"}, {"圖", "图"}, {"鑑", "鉴"}, {"書", "书"}, {"間", "间"}, {"理", "理"}};
  std::string out = traditional;
  for (const auto& [from, to] : kPairs) {
    for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
  }
  return out;
}

}  // namespace

std::vector<domain::MarcRecord> generate_demo_catalogue(const DemoCatalogueOptions& options) {
  Random random(options.seed);
  std::vector<domain::MarcRecord> records;
  records.reserve(options.records);
  std::uint64_t next_barcode = 0;
  for (std::size_t n = 0; n < options.records; ++n) {
    domain::MarcRecord record;
    const bool chinese = random.chance(55);
    const auto kind = random.below(100);
    // Books mostly; some periodicals, audio-visual items and e-books.
    const char type = kind < 80 ? 'a' : kind < 88 ? 'g' : kind < 92 ? 'j' : 'a';
    const char level = kind >= 92 && kind < 96 ? 's' : 'm';
    const bool ebook = kind >= 96;
    const auto audience = random.below(10);  // 0-5 adult, 6-7 children, 8-9 young adult
    const char audience_code = audience < 6 ? 'e' : audience < 8 ? 'j' : 'd';
    const int year = 1950 + static_cast<int>(random.below(77));
    record.leader = fmt::format("00000n{}{} a2200000 i 4500", type, level);
    record.fields.push_back(control("001", fmt::format("SMDEMO{:08}", n + 1)));
    record.fields.push_back(control("003", "Shelfmark"));
    if (ebook) record.fields.push_back(control("007", "cr |||||||||||"));
    // 008: date entered, publication year, place, audience (22), form (23: o = online), language (35-37).
    std::string field008 = fmt::format("260101s{}    cc            000 0 {} d", year, chinese ? "chi" : "eng");
    field008.resize(40, ' ');
    field008[22] = audience_code;
    if (ebook) field008[23] = 'o';
    record.fields.push_back(control("008", field008));
    record.fields.push_back(data("020", ' ', ' ', {{'a', isbn13(random.next())}}));
    const auto call_class = random.below(1000);
    std::string title, author, subject, publisher, series;
    if (chinese) {
      title = std::string(random.pick(kChineseWords)) + std::string(random.pick(kChineseWords)) +
              std::string(random.pick(kChineseEndings));
      if (random.chance(10)) title = simplified_variant(title);
      author = random.pick(kChineseNames);
      subject = random.pick(kChineseSubjects);
      publisher = random.pick(kPublishersChinese);
      series = random.pick(kSeriesChinese);
    } else {
      const auto pattern = std::string(random.pick(kEnglishPatterns));
      const auto first = std::string(random.pick(kEnglishWords));
      const auto second = std::string(random.pick(kEnglishWords));
      title = fmt::format(fmt::runtime(pattern), first, second);
      author = random.pick(kEnglishNames);
      subject = random.pick(kEnglishSubjects);
      publisher = random.pick(kPublishersEnglish);
      series = random.pick(kSeriesEnglish);
    }
    record.fields.push_back(data("041", '0', ' ', {{'a', chinese ? "chi" : "eng"}}));
    record.fields.push_back(data("082", '0', '4', {{'a', fmt::format("{:03}", call_class)}}));
    record.fields.push_back(data("100", '1', ' ', {{'a', author + "."}}));
    const bool linked = chinese && n % 5 == 0;  // romanised 245 with the Chinese form in a linked 880
    if (linked) {
      record.fields.push_back(data(
          "245", '1', '0', {{'6', "880-01"}, {'a', fmt::format("Demo title {} /", n + 1)}, {'c', author + " zhu."}}));
      record.fields.push_back(data("880", '1', '0', {{'6', "245-01/$1"}, {'a', title + " /"}, {'c', author + "著."}}));
    } else {
      record.fields.push_back(data("245", '1', '0', {{'a', title + " /"}, {'c', author + (chinese ? "著." : ".")}}));
    }
    if (random.chance(30)) record.fields.push_back(data("250", ' ', ' ', {{'a', chinese ? "第2版." : "2nd ed."}}));
    record.fields.push_back(
        data("264", ' ', '1', {{'a', "Hong Kong :"}, {'b', publisher + ","}, {'c', std::to_string(year) + "."}}));
    record.fields.push_back(
        data("300", ' ', ' ', {{'a', fmt::format("{} pages ;", 80 + random.below(400))}, {'c', "21 cm"}}));
    if (random.chance(40)) record.fields.push_back(data("490", '0', ' ', {{'a', series}}));
    if (random.chance(25))
      record.fields.push_back(data(
          "500", ' ', ' ', {{'a', chinese ? "附參考書目及索引。" : "Includes bibliographical references and index."}}));
    const auto dash = subject.find(" -- ");
    if (dash == std::string::npos) {
      record.fields.push_back(data("650", ' ', '0', {{'a', subject + "."}}));
    } else {
      record.fields.push_back(
          data("650", ' ', '0', {{'a', subject.substr(0, dash)}, {'z', subject.substr(dash + 4) + "."}}));
    }
    // Holdings: e-books have licensed copies at the first library; others copies across the network.
    const auto copies = ebook ? 2 : 1 + random.below(static_cast<std::size_t>(options.items_per_record * 2 - 1));
    const std::string item_type = ebook          ? "e_book"
                                  : level == 's' ? "periodical_back_issue"
                                  : type == 'a'  ? "book"
                                                 : "audio_visual";
    const std::string collection = random.chance(3)       ? "reference"
                                   : audience_code == 'j' ? "children"
                                   : audience_code == 'd' ? "young_adult"
                                                          : "adult";
    const auto call_number = fmt::format("{:03} {}", call_class, chinese ? author.substr(0, 3) : author.substr(0, 3));
    for (std::size_t copy = 0; copy < copies; ++copy) {
      const auto& library =
          ebook ? options.library_codes.front() : options.library_codes[random.below(options.library_codes.size())];
      record.fields.push_back(data("952", ' ', ' ',
                                   {{'a', library},
                                    {'p', fmt::format("33{:08}", next_barcode++)},
                                    {'o', call_number},
                                    {'y', item_type},
                                    {'8', collection},
                                    {'g', fmt::format("{}.{:02}", 40 + random.below(300), random.below(100))}}));
    }
    records.push_back(std::move(record));
  }
  return records;
}

DemoCatalogueReport load_demo_catalogue(const app::Context& context, std::size_t records, std::uint64_t seed) {
  DemoCatalogueOptions options;
  options.records = records;
  options.seed = seed;
  context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    options.library_codes.clear();
    for (const auto& library : repos.libraries.all())
      if (library.kind != domain::LibraryKind::kMobile && library.kind != domain::LibraryKind::kSelfService)
        options.library_codes.push_back(library.code);
  });
  DemoCatalogueReport report;
  if (options.library_codes.empty()) return report;
  const auto catalogue = generate_demo_catalogue(options);
  constexpr std::size_t kBatch = 1000;
  for (std::size_t start = 0; start < catalogue.size(); start += kBatch) {
    const std::vector<domain::MarcRecord> batch(
        catalogue.begin() + static_cast<std::ptrdiff_t>(start),
        catalogue.begin() + static_cast<std::ptrdiff_t>(std::min(catalogue.size(), start + kBatch)));
    const auto imported = app::import_records(context, batch);
    report.records += imported.inserted + imported.updated + imported.unchanged;
    report.items += imported.items_added;
  }
  return report;
}

}  // namespace shelfmark::bin
