#include "store/database.h"

#include <charconv>
#include <stdexcept>

namespace shelfmark::store {

const std::string& Row::text(std::size_t i) const {
  static const std::string kEmpty;
  const auto& cell = cells_.at(i);
  return cell ? *cell : kEmpty;
}

long long Row::integer(std::size_t i) const {
  const auto& cell = cells_.at(i);
  if (!cell) return 0;
  long long value = 0;
  auto [ptr, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (ec != std::errc()) throw app::StoreError(app::StoreError::Kind::kOther, "not an integer: " + *cell);
  return value;
}

std::optional<long long> Row::optional_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

Date Row::date(std::size_t i) const {
  auto parsed = parse_iso_date(text(i));
  if (!parsed) throw app::StoreError(app::StoreError::Kind::kOther, "bad date in database: " + text(i));
  return *parsed;
}

std::optional<Date> Row::optional_date(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return date(i);
}

Database::Lease::~Lease() {
  if (owner_ && connection_) owner_->give_back(std::move(connection_));
}

Database::Database(Backend backend, std::function<std::unique_ptr<Connection>()> connect, int size)
    : backend_(backend), connect_(std::move(connect)), size_(std::max(1, size)) {
  // Open one connection now so that a bad URL or password fails at start, not on the first request.
  idle_.push_back(connect_());
  created_ = 1;
}

Database::Lease Database::acquire() {
  std::unique_lock lock(mutex_);
  if (idle_.empty() && created_ >= size_) {
    ++waits_;
    available_.wait(lock, [&] { return !idle_.empty() || created_ < size_; });
  }
  std::unique_ptr<Connection> connection;
  if (!idle_.empty()) {
    connection = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++created_;
    lock.unlock();
    try {
      connection = connect_();
    } catch (...) {
      std::lock_guard relock(mutex_);
      --created_;
      available_.notify_one();
      throw;
    }
    lock.lock();
  }
  ++in_use_;
  return Lease(*this, std::move(connection));
}

void Database::give_back(std::unique_ptr<Connection> connection) {
  const bool keep = connection->healthy();
  std::lock_guard lock(mutex_);
  --in_use_;
  if (keep)
    idle_.push_back(std::move(connection));
  else
    --created_;  // dropped; a fresh one is opened on demand
  available_.notify_one();
}

PoolStats Database::stats() {
  std::lock_guard lock(mutex_);
  return {size_, in_use_, waits_};
}

std::string Database::redact(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::unique_ptr<Database> Database::open(const std::string& url, int pool_size) {
  if (url.rfind("sqlite:", 0) == 0) {
    const auto path = url.substr(7);
    if (path.empty()) throw std::invalid_argument("the sqlite: URL has no file path (sqlite:var/shelfmark.db)");
    // An in-memory database exists per connection, so it must have exactly one.
    const int size = path == ":memory:" ? 1 : pool_size;
    return std::make_unique<Database>(
        Backend::kSqlite, [path] { return connect_sqlite(path); }, size);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return std::make_unique<Database>(
        Backend::kPostgres, [url] { return connect_postgres(url); }, pool_size);
  throw std::invalid_argument("unsupported database URL '" + redact(url) +
                              "': use sqlite:PATH or postgresql://USER@HOST:PORT/NAME");
}

std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace shelfmark::store
