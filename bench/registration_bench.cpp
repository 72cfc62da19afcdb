// Registration benchmark (issue 4): online applications per second through the app layer, each a Type B
// application with two ~1 MB images (a JPEG identity document and a PNG proof of address), with 1 and 8
// concurrent clients; then peak memory with 100 uploads in flight at once.
//
// Everything is the production service: argon2id at the interactive cost with as many hashes in flight as
// `shelfmark serve` allows (half the cores), the re-encoding image sanitiser with its default limits, libsodium
// sealing, SQLite durable (WAL, synchronous=FULL), the system clock. Peak memory is VmHWM from
// /proc/self/status, reset between phases by writing 5 to /proc/self/clear_refs.
//
//   registration_bench [--applications N] [--clients 1,8] [--uploads 100]
#include <malloc.h>
#include <png.h>
#include <turbojpeg.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/registration.h"
#include "imaging/image_sanitizer.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace {

using namespace shelfmark;
using Steady = std::chrono::steady_clock;

constexpr int kWidth = 1600;
constexpr int kHeight = 1200;
constexpr std::size_t kTargetBytes = 1'000'000;
constexpr std::size_t kHttpBodyLimit = 8 * 1024 * 1024;  // web::ServerOptions::max_body_bytes (src/web/server.h)
constexpr const char* kPassword = "river walk 2468";

double ms_since(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

double percentile(std::vector<double> values, int p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * p / 100)];
}

// ----- memory -----

long long status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::atoll(line.c_str() + std::strlen(field));
  return 0;
}

// Returns freed heap to the system first, so a phase's baseline is what it really holds, then makes the
// peak start again from now. False when the kernel does not allow it (then VmHWM is the process's peak).
bool reset_peak() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// ----- inputs: deterministic ~1 MB images -----

// splitmix64: the same noise with every standard library (std::normal_distribution is not specified).
struct Noise {
  std::uint64_t state;
  double next() {  // triangular on [-1, 1]
    auto draw = [&] {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
    };
    return draw() + draw() - 1.0;
  }
};

// Smooth gradients, as a photo of a card or a page has, plus sensor-like noise of the given amplitude.
std::vector<unsigned char> photo_pixels(double amplitude, std::uint64_t seed) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(kWidth) * kHeight * 3);
  Noise noise{seed};
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      const double base[3] = {40.0 + 180.0 * x / kWidth, 60.0 + 150.0 * y / kHeight,
                              200.0 - 120.0 * (x + y) / (kWidth + kHeight)};
      for (int c = 0; c < 3; ++c)
        pixels[(static_cast<std::size_t>(y) * kWidth + x) * 3 + c] =
            static_cast<unsigned char>(std::clamp(std::lround(base[c] + amplitude * noise.next()), 0l, 255l));
    }
  return pixels;
}

std::string jpeg_of(const std::vector<unsigned char>& pixels) {
  tjhandle compressor = tjInitCompress();
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  // Quality 92 with 4:2:0 chroma, as phone cameras write.
  if (tjCompress2(compressor, pixels.data(), kWidth, 0, kHeight, TJPF_RGB, &buffer, &size, TJSAMP_420, 92, 0) != 0) {
    std::fprintf(stderr, "tjCompress2: %s\n", tjGetErrorStr2(compressor));
    std::exit(1);
  }
  std::string out(reinterpret_cast<char*>(buffer), size);
  tjFree(buffer);
  tjDestroy(compressor);
  return out;
}

std::string png_of(const std::vector<unsigned char>& pixels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = kWidth;
  image.height = kHeight;
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(image, size, 0, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "png: %s\n", image.message);
    std::exit(1);
  }
  std::string out(size, '\0');
  png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr);
  out.resize(size);
  return out;
}

// Bisects the noise amplitude until the encoded file is about kTargetBytes (file size grows with noise).
std::string about_one_megabyte(const std::function<std::string(const std::vector<unsigned char>&)>& encode,
                               std::uint64_t seed) {
  double low = 0, high = 64;
  std::string best;
  for (int step = 0; step < 10; ++step) {
    const double amplitude = (low + high) / 2;
    auto encoded = encode(photo_pixels(amplitude, seed));
    if (best.empty() || std::llabs(static_cast<long long>(encoded.size()) - static_cast<long long>(kTargetBytes)) <
                            std::llabs(static_cast<long long>(best.size()) - static_cast<long long>(kTargetBytes)))
      best = encoded;
    (encoded.size() < kTargetBytes ? low : high) = amplitude;
  }
  return best;
}

// ----- applicants -----

// Application n gets its own valid HKID: a letter, six digits and the check character.
std::string hkid_for(long long n) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%c%06lld", static_cast<char>('A' + n / 1'000'000 % 26), n % 1'000'000);
  const char check = domain::hkid_check_character(prefix);
  if (!check) std::exit(1);
  return std::string(prefix) + "(" + check + ")";
}

// And its own network address, so the per-address limit on starts is not what is measured.
std::string address_for(long long n) {
  return "10." + std::to_string(n >> 16 & 255) + "." + std::to_string(n >> 8 & 255) + "." + std::to_string(n & 255);
}

domain::ApplicantForm form_for(long long n) {
  domain::ApplicantForm form;
  form.name_en = "CHAN, Tai Man";
  form.name_zh = "陳大文";
  form.hkid = hkid_for(n);
  form.date_of_birth = "1990-05-01";
  form.email = "applicant" + std::to_string(n) + "@example.com";
  form.language = "tc";
  form.smart_id_card = "yes";
  form.address = "Flat A, 3/F, 1 Nathan Road, Tsim Sha Tsui";
  form.library_code = "CL";
  return form;
}

template <class T>
T must(domain::Outcome<T> outcome, const char* step) {
  if (!outcome) {
    const auto& error = outcome.error();
    const auto code = error.fields.empty() ? error.code : error.fields.front().code;
    std::fprintf(stderr, "%s failed: %s%s%s\n", step, std::string(domain::error_info(code).name).c_str(),
                 error.fields.empty() ? "" : " on ", error.fields.empty() ? "" : error.fields.front().field.c_str());
    std::exit(1);
  }
  return std::move(outcome.value());
}

struct Bench {
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::SqlStore> store;
  std::shared_ptr<const TimeZone> zone = TimeZone::load("Asia/Hong_Kong");
  SystemClock clock;
  // As `shelfmark serve` sets it up (src/bin/main.cpp): half the cores hash at once, 64 MiB each.
  security::Argon2Hasher hasher{security::interactive_cost(),
                                std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2))};
  security::SodiumTokens tokens{std::string(32, 'b')};
  security::SodiumSealer sealer{std::string(32, 's')};
  imaging::ReencodingImageSanitizer images;  // default limits: 2 decodes in flight
  std::unique_ptr<app::Context> context;
  std::unique_ptr<app::RegistrationServices> services;
  std::string jpeg, png;
  std::atomic<long long> next_applicant{0};  // HKIDs are never reused: one person, one application
};

enum Step { kStart, kTerms, kDetails, kIdentity, kAddress, kSubmit, kSteps };
constexpr const char* kStepNames[kSteps] = {"start_application",
                                            "accept_terms",
                                            "save_details (argon2id)",
                                            "upload_document identity (JPEG)",
                                            "upload_document address (PNG)",
                                            "submit_application"};

struct Timings {
  std::vector<double> application;
  std::vector<double> steps[kSteps];
};

void apply(Bench& bench, Timings& timings) {
  const long long n = bench.next_applicant++;
  const auto address = address_for(n);
  auto& context = *bench.context;
  auto& services = *bench.services;
  double step_ms[kSteps];
  const auto begin = Steady::now();
  auto at = begin;
  auto lap = [&](Step step) {
    step_ms[step] = ms_since(at);
    at = Steady::now();
  };
  const auto token =
      must(app::start_application(context, services, domain::RegistrationType::kLibraryCard, address), "start").token;
  lap(kStart);
  must(app::accept_terms(context, services, token, true, true, true), "terms");
  lap(kTerms);
  must(app::save_details(context, services, token, form_for(n), kPassword, kPassword), "details");
  lap(kDetails);
  must(app::upload_document(context, services, token, domain::DocumentKind::kIdentity, bench.jpeg, false), "identity");
  lap(kIdentity);
  must(app::upload_document(context, services, token, domain::DocumentKind::kAddress, bench.png, false), "address");
  lap(kAddress);
  must(app::submit_application(context, services, token, address), "submit");
  lap(kSubmit);
  timings.application.push_back(ms_since(begin));
  for (int step = 0; step < kSteps; ++step) timings.steps[step].push_back(step_ms[step]);
}

struct Run {
  int clients = 0;
  long long applications = 0;
  double seconds = 0;
  long long peak_kib = 0;
  Timings timings;
};

Run run_clients(Bench& bench, int clients, long long applications) {
  Run run;
  run.clients = clients;
  run.applications = applications;
  reset_peak();
  std::atomic<long long> claimed{0};
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto start = Steady::now();
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      Timings mine;
      while (claimed++ < applications) apply(bench, mine);
      std::lock_guard lock(mutex);
      auto append = [](std::vector<double>& to, const std::vector<double>& from) {
        to.insert(to.end(), from.begin(), from.end());
      };
      append(run.timings.application, mine.application);
      for (int step = 0; step < kSteps; ++step) append(run.timings.steps[step], mine.steps[step]);
    });
  for (auto& thread : threads) thread.join();
  run.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  run.peak_kib = status_kib("VmHWM:");
  return run;
}

// Each service alone, on one thread: where an application's time goes.
void components(Bench& bench) {
  auto median_ms = [](int times, const std::function<void()>& work) {
    std::vector<double> samples;
    for (int i = 0; i < times; ++i) {
      const auto start = Steady::now();
      work();
      samples.push_back(ms_since(start));
    }
    return percentile(samples, 50);
  };
  std::size_t sealed_bytes = 0;
  const auto clean_jpeg = std::get<app::CleanImage>(bench.images.sanitize(bench.jpeg)).bytes;
  const auto clean_png = std::get<app::CleanImage>(bench.images.sanitize(bench.png)).bytes;
  std::printf("Each service alone, one thread, median of 5 (3 for argon2id):\n");
  std::printf("| %-44s | %9s |\n", "operation", "ms");
  std::printf("|----------------------------------------------|-----------|\n");
  std::printf("| %-44s | %9.1f |\n", "argon2id hash, interactive (64 MiB)",
              median_ms(3, [&] { bench.hasher.hash(kPassword); }));
  std::printf("| %-44s | %9.1f |\n", "sanitise JPEG (walk, decode, re-encode q85)",
              median_ms(5, [&] { bench.images.sanitize(bench.jpeg); }));
  std::printf("| %-44s | %9.1f |\n", "sanitise PNG (walk, decode, re-encode)",
              median_ms(5, [&] { bench.images.sanitize(bench.png); }));
  std::printf("| %-44s | %9.1f |\n", "seal the clean JPEG (secretstream + base64)",
              median_ms(5, [&] { sealed_bytes = bench.sealer.seal(clean_jpeg).ciphertext.size(); }));
  std::printf("| %-44s | %9.1f |\n", "seal the clean PNG", median_ms(5, [&] { bench.sealer.seal(clean_png); }));
  std::printf("Clean images: JPEG %zu bytes, PNG %zu bytes; the sealed JPEG is %zu bytes of text.\n\n",
              clean_jpeg.size(), clean_png.size(), sealed_bytes);
}

// 100 threads call upload_document at the same moment, half with the JPEG and half with the PNG.
void uploads_in_flight(Bench& bench, int uploads) {
  std::vector<std::string> tokens;
  for (int i = 0; i < uploads; ++i) {
    const long long n = bench.next_applicant++;
    tokens.push_back(must(app::start_application(*bench.context, *bench.services,
                                                 domain::RegistrationType::kLibraryCard, address_for(n)),
                          "start")
                         .token);
  }
  std::latch ready(uploads + 1);
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < uploads; ++i)
    threads.emplace_back([&, i] {
      ready.arrive_and_wait();
      const bool identity = i % 2 == 0;
      must(app::upload_document(*bench.context, *bench.services, tokens[i],
                                identity ? domain::DocumentKind::kIdentity : domain::DocumentKind::kAddress,
                                identity ? bench.jpeg : bench.png, false),
           "upload");
      ++finished;
    });
  // The threads exist (their stacks are counted in the baseline) before the peak starts again.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const bool reset = reset_peak();
  const long long baseline = status_kib("VmRSS:");
  const auto start = Steady::now();
  ready.arrive_and_wait();
  // Watch the sanitiser's slots while the uploads run: how many decode at once, how many wait.
  int most_decoding = 0, most_waiting = 0;
  while (finished < uploads) {
    const auto counts = bench.images.slot_counts();
    most_decoding = std::max(most_decoding, counts.in_flight);
    most_waiting = std::max(most_waiting, counts.waiting);
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  for (auto& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  const long long peak = status_kib("VmHWM:");
  std::printf("%d uploads in flight (%d JPEG, %d PNG, released together by a latch):\n", uploads, (uploads + 1) / 2,
              uploads / 2);
  auto row = [](const char* measure, const std::string& value) {
    std::printf("| %-56s | %12s |\n", measure, value.c_str());
  };
  auto mib = [](double kib) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", kib / 1024.0);
    return std::string(text);
  };
  row("measure", "value");
  std::printf("|----------------------------------------------------------|--------------|\n");
  row("RSS before (baseline, threads waiting)", mib(baseline));
  row(reset ? "peak RSS (VmHWM, reset at baseline)" : "peak RSS (process peak)", mib(peak));
  row("increase over baseline", mib(peak - baseline));
  char took[32];
  std::snprintf(took, sizeof took, "%.2f s", seconds);
  row("time until all finished", took);
  row("most decodes running at once (sampled)", std::to_string(most_decoding));
  row("most uploads waiting for a decode slot (sampled)", std::to_string(most_waiting));
  row("over HTTP: request bodies alone (8 MiB limit x uploads)",
      mib(static_cast<double>(kHttpBodyLimit) / 1024.0 * uploads));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  long long applications = 40;
  int uploads = 100;
  std::vector<int> levels = {1, 8};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--applications")) {
      applications = std::stoll(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--uploads")) {
      uploads = std::stoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--clients")) {
      levels.clear();
      std::string list = argv[i + 1];
      for (std::size_t at = 0; at < list.size();) {
        auto comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        levels.push_back(std::stoi(list.substr(at, comma - at)));
        at = comma + 1;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  security::initialise();
  const auto dir =
      std::filesystem::temp_directory_path() / ("shelfmark-registration-bench-" + security::random_bytes_hex(4));
  std::filesystem::create_directories(dir);
  Bench bench;
  const int most = *std::max_element(levels.begin(), levels.end());
  bench.database = store::Database::open("sqlite:" + (dir / "bench.db").string(), most + 2);
  store::migrate(*bench.database);
  bench.store = std::make_unique<store::SqlStore>(*bench.database);
  bench.context =
      std::make_unique<app::Context>(app::Context{*bench.store, bench.clock, *bench.zone, bench.hasher, bench.tokens});
  bench.services =
      std::make_unique<app::RegistrationServices>(app::RegistrationServices{bench.sealer, bench.images, {}});
  bench.store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    domain::Library library;
    library.code = "CL";
    library.name = {"Central Library", "中央圖書館"};
    library.address = {"x", "x"};
    library.kind = domain::LibraryKind::kCentral;
    repos.libraries.insert(library);
  });
  bench.jpeg = about_one_megabyte(jpeg_of, 1);
  bench.png = about_one_megabyte(png_of, 2);

  std::printf(
      "Registration benchmark: Type B applications through the app layer, SQLite (WAL, synchronous=FULL), "
      "%u cores shared by clients and services.\n",
      std::thread::hardware_concurrency());
  std::printf(
      "Inputs: identity JPEG %dx%d q92 %zu bytes, address PNG %dx%d %zu bytes; argon2id interactive with %d in "
      "flight; sanitiser default limits.\n\n",
      kWidth, kHeight, bench.jpeg.size(), kWidth, kHeight, bench.png.size(),
      std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2)));
  std::fflush(stdout);

  components(bench);
  std::fflush(stdout);

  // Memory first, on a fresh heap, so that what earlier phases left in malloc's arenas does not hide it.
  uploads_in_flight(bench, uploads);
  std::fflush(stdout);

  std::vector<Run> runs;
  std::printf("Whole applications (start to submit) and each upload, ms:\n");
  std::printf("| %7s | %12s | %7s | %14s | %7s | %7s | %8s | %8s | %8s | %8s | %8s |\n", "clients", "applications",
              "seconds", "applications/s", "app p50", "app p95", "JPEG p50", "JPEG p95", "PNG p50", "PNG p95",
              "peak RSS");
  std::printf(
      "|---------|--------------|---------|----------------|---------|---------|----------|----------|----------|"
      "----------|----------|\n");
  for (int clients : levels) {
    auto run = run_clients(bench, clients, applications);
    const auto& jpeg = run.timings.steps[kIdentity];
    const auto& png = run.timings.steps[kAddress];
    std::printf("| %7d | %12lld | %7.1f | %14.2f | %7.0f | %7.0f | %8.0f | %8.0f | %8.0f | %8.0f | %4.0f MiB |\n",
                clients, applications, run.seconds, applications / run.seconds, percentile(run.timings.application, 50),
                percentile(run.timings.application, 95), percentile(jpeg, 50), percentile(jpeg, 95),
                percentile(png, 50), percentile(png, 95), run.peak_kib / 1024.0);
    std::fflush(stdout);
    runs.push_back(std::move(run));
  }

  std::printf("\nMean time per step, ms (waits for argon2id and decode slots and the SQLite writer included):\n");
  std::printf("| %-34s |", "step");
  for (const auto& run : runs) std::printf(" %2d client%s |", run.clients, run.clients == 1 ? " " : "s");
  std::printf("\n|------------------------------------|");
  for (std::size_t i = 0; i < runs.size(); ++i) std::printf("------------|");
  std::printf("\n");
  for (int step = 0; step < kSteps; ++step) {
    std::printf("| %-34s |", kStepNames[step]);
    for (const auto& run : runs) {
      double sum = 0;
      for (double value : run.timings.steps[step]) sum += value;
      std::printf(" %10.1f |", run.timings.steps[step].empty() ? 0 : sum / run.timings.steps[step].size());
    }
    std::printf("\n");
  }

  bench.store.reset();
  bench.database.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
