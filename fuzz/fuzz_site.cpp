// Whole requests through the web site (routing, forms, cookies, templates) against an in-memory database
// with the demo network: never crash, always a status and a body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "app/registration.h"
#include "bin/demo_data.h"
#include "imaging/image_sanitizer.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"
#include "web/site.h"

namespace {

using namespace shelfmark;

struct World {
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::SqlStore> store;
  std::shared_ptr<const TimeZone> zone = TimeZone::load("Asia/Hong_Kong");
  FixedClock clock{instant_from_unix(1795000000)};
  security::Argon2Hasher hasher{security::test_cost(), 1};
  security::SodiumTokens tokens{std::string(32, 'f')};
  security::SodiumSealer sealer{std::string(32, 's')};
  imaging::ReencodingImageSanitizer images;
  app::RegistrationServices registration{sealer, images, {}};
  std::unique_ptr<app::Context> context;
  std::unique_ptr<web::Site> site;
  World() {
    security::initialise();
    database = store::Database::open("sqlite::memory:", 1);
    store::migrate(*database);
    store = std::make_unique<store::SqlStore>(*database);
    context = std::make_unique<app::Context>(app::Context{*store, clock, *zone, hasher, tokens});
    bin::load_demo_data(*context);
    registration.settings.starts_per_address_per_hour = 1'000'000;  // go past the start page
    web::SiteConfig config;
    config.registration = &registration;
    site = std::make_unique<web::Site>(*context, config, nullptr);
  }
};

World& world() {
  static World instance;
  return instance;
}

// Splits the input on newlines into method, path, query, form body and cookie header.
std::string take_line(std::string_view& input) {
  const auto end = input.find('\n');
  std::string line(input.substr(0, end));
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  web::Request request;
  request.method = take_line(input) == "P" ? "POST" : "GET";
  request.path = "/" + take_line(input);
  if (auto query = web::parse_urlencoded(take_line(input))) request.query = *query;
  if (auto form = web::parse_urlencoded(take_line(input))) request.form = *form;
  request.cookies = web::parse_cookies(take_line(input));
  request.accept_language = take_line(input);
  request.remote_address = "127.0.0.1";
  const auto response = world().site->handle(request);
  if (response.status < 200 || response.status > 599) std::abort();
  if (response.status == 500) std::abort();  // every input deserves a considered answer
  return 0;
}
