// SQLite connection: WAL, synchronous=FULL (an acknowledged write survives power loss), foreign keys on,
// a busy timeout, and a per-connection cache of prepared statements.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>
#include <unordered_map>

#include "store/database.h"

namespace shelfmark::store {
namespace {

using app::StoreError;

StoreError error_from(sqlite3* db, int code, std::string_view what) {
  const int extended = db ? sqlite3_extended_errcode(db) : code;
  const std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StoreError(StoreError::Kind::kUniqueViolation, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return StoreError(StoreError::Kind::kForeignKeyViolation, message);
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return StoreError(StoreError::Kind::kCheckViolation, message);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError(StoreError::Kind::kBusy, message);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return StoreError(StoreError::Kind::kConnection, message);
    default:
      return StoreError(StoreError::Kind::kOther, message);
  }
}

// The database holds readers' personal data: a new file is created readable by its owner only (0600), by
// open() itself so that no other thread's umask matters. SQLite gives the -wal, -shm and -journal files it
// makes later the database file's own mode. An existing file keeps its mode (see docs/operations.md).
void create_private_file(const std::string& path) {
  if (path == ":memory:" || path.empty()) return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // an empty file is an empty database; on any error, sqlite3_open_v2 reports it
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    create_private_file(path);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      auto error = error_from(db_, rc, "cannot open SQLite database '" + path + "'");
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw StoreError(StoreError::Kind::kConnection, error.what());
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    execute_script(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
        // Deleted rows (identity documents above all) are overwritten with zeros, not left in free pages.
        "PRAGMA secure_delete=ON;");
  }

  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* statement = prepare(sql, params);
    std::vector<Row> rows;
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto error = error_from(db_, rc, "query failed");
        sqlite3_reset(statement);
        throw error;
      }
      const int columns = sqlite3_column_count(statement);
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int i = 0; i < columns; ++i) {
        if (sqlite3_column_type(statement, i) == SQLITE_NULL) {
          cells.emplace_back();
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
          cells.emplace_back(std::string(text, sqlite3_column_bytes(statement, i)));
        }
      }
      rows.emplace_back(std::move(cells));
    }
    sqlite3_reset(statement);
    return rows;
  }

  long long execute(std::string_view sql, const Params& params) override {
    sqlite3_stmt* statement = prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      auto error = error_from(db_, rc, "statement failed");
      sqlite3_reset(statement);
      throw error;
    }
    sqlite3_reset(statement);
    return sqlite3_changes64(db_);
  }

  void execute_script(std::string_view sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      auto error = error_from(db_, rc, "script failed");
      throw StoreError(error.kind(), "script failed: " + text);
    }
  }

  void begin(bool write) override { execute_script(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool healthy() override { return db_ != nullptr && sqlite3_get_autocommit(db_); }

 private:
  sqlite3_stmt* prepare(std::string_view sql, const Params& params) {
    auto it = statements_.find(std::string(sql));
    sqlite3_stmt* statement = nullptr;
    if (it == statements_.end()) {
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                        &statement, nullptr);
      if (rc != SQLITE_OK) throw error_from(db_, rc, "prepare failed for: " + std::string(sql));
      statements_.emplace(std::string(sql), statement);
    } else {
      statement = it->second;
    }
    sqlite3_clear_bindings(statement);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(params[i])) {
        rc = sqlite3_bind_null(statement, index);
      } else if (const auto* number = std::get_if<long long>(&params[i])) {
        rc = sqlite3_bind_int64(statement, index, *number);
      } else {
        const auto& text = std::get<std::string>(params[i]);
        rc = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) throw error_from(db_, rc, "bind failed");
    }
    return statement;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Connection> connect_sqlite(const std::string& path) { return std::make_unique<SqliteConnection>(path); }

}  // namespace shelfmark::store
