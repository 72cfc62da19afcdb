// One small interface over the sqlite3 and libpq C APIs: prepared statements (cached per connection),
// transactions, typed errors (app::StoreError), and a connection pool. SQL uses `?` placeholders on both
// backends; the PostgreSQL connection rewrites them to $1, $2, ...
//
// Thread safety: a Connection belongs to one thread at a time (the pool hands it out); Database is shared.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/ports.h"

namespace shelfmark::store {

enum class Backend { kSqlite, kPostgres };

using Value = std::variant<std::nullptr_t, long long, std::string>;

class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t i) const { return !cells_.at(i).has_value(); }
  const std::string& text(std::size_t i) const;
  long long integer(std::size_t i) const;
  std::optional<long long> optional_integer(std::size_t i) const;
  // A calendar date stored as ISO text; a malformed one is a StoreError, never a silent default.
  Date date(std::size_t i) const;
  std::optional<Date> optional_date(std::size_t i) const;
  std::size_t size() const { return cells_.size(); }

 private:
  std::vector<std::optional<std::string>> cells_;
};

using Params = std::vector<Value>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual long long execute(std::string_view sql, const Params& params = {}) = 0;
  // Several statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  // write=true takes the write lock at once on SQLite (BEGIN IMMEDIATE), so a transaction never fails
  // half-way when upgrading from reader to writer.
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // False when the connection is broken and should be replaced.
  virtual bool healthy() = 0;
};

struct PoolStats {
  int size = 0;
  int in_use = 0;
  long long waits = 0;  // times a caller had to wait for a free connection
};

class Database {
 public:
  // URL: "sqlite:path/to/file.db", "sqlite::memory:" (tests), or "postgresql://..." / "postgres://...".
  // Throws std::invalid_argument for a malformed URL and app::StoreError when the database cannot be opened.
  static std::unique_ptr<Database> open(const std::string& url, int pool_size);

  class Lease {
   public:
    Lease(Database& owner, std::unique_ptr<Connection> connection)
        : owner_(&owner), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Database* owner_;
    std::unique_ptr<Connection> connection_;
  };

  Database(Backend backend, std::function<std::unique_ptr<Connection>()> connect, int size);
  Backend backend() const { return backend_; }
  Lease acquire();
  PoolStats stats();
  // A URL safe to print: the password, if any, is replaced by ***.
  static std::string redact(const std::string& url);

 private:
  void give_back(std::unique_ptr<Connection> connection);
  Backend backend_;
  std::function<std::unique_ptr<Connection>()> connect_;
  int size_;
  int created_ = 0;
  int in_use_ = 0;
  long long waits_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

std::unique_ptr<Connection> connect_sqlite(const std::string& path);
std::unique_ptr<Connection> connect_postgres(const std::string& conninfo);

// Rewrites `?` placeholders (outside quotes) to $1..$n for PostgreSQL.
std::string number_placeholders(std::string_view sql);

}  // namespace shelfmark::store
