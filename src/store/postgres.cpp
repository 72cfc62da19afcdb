// PostgreSQL connection over libpq: statements prepared once per connection (named by a counter), text
// parameters, SQLSTATE mapped to app::StoreError kinds. synchronous_commit stays on (the server default).
#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "store/database.h"

namespace shelfmark::store {
namespace {

using app::StoreError;

StoreError error_from(PGconn* conn, PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // Only the primary message: PostgreSQL's DETAIL line can quote the values of a row (personal data), and
  // these messages reach the logs.
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = std::string(what) + ": " + (primary ? primary : PQerrorMessage(conn));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const std::string code = state ? state : "";
  if (code == "23505") return StoreError(StoreError::Kind::kUniqueViolation, message);
  if (code == "23503") return StoreError(StoreError::Kind::kForeignKeyViolation, message);
  if (code == "23514" || code == "23502") return StoreError(StoreError::Kind::kCheckViolation, message);
  if (code == "40001" || code == "40P01" || code == "55P03") return StoreError(StoreError::Kind::kBusy, message);
  if (PQstatus(conn) != CONNECTION_OK || code.rfind("08", 0) == 0)
    return StoreError(StoreError::Kind::kConnection, message);
  return StoreError(StoreError::Kind::kOther, message);
}

struct ResultGuard {
  PGresult* result;
  ~ResultGuard() { PQclear(result); }
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      throw StoreError(StoreError::Kind::kConnection, "cannot connect to PostgreSQL: " + message);
    }
    // NOTICEs (e.g. "relation already exists, skipping") would otherwise go to stderr.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    // An acknowledged change must survive a crash of the database server: never rely on its configuration.
    execute_script("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET synchronous_commit = on");
  }

  ~PostgresConnection() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::kPostgres; }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    ResultGuard guard{run(sql, params)};
    const int rows = PQntuples(guard.result);
    const int columns = PQnfields(guard.result);
    std::vector<Row> out;
    out.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(guard.result, r, c))
          cells.emplace_back();
        else
          cells.emplace_back(std::string(PQgetvalue(guard.result, r, c), PQgetlength(guard.result, r, c)));
      }
      out.emplace_back(std::move(cells));
    }
    return out;
  }

  long long execute(std::string_view sql, const Params& params) override {
    ResultGuard guard{run(sql, params)};
    const char* affected = PQcmdTuples(guard.result);
    return affected && *affected ? std::stoll(affected) : 0;
  }

  void execute_script(std::string_view sql) override {
    ResultGuard guard{PQexec(conn_, std::string(sql).c_str())};
    const auto status = PQresultStatus(guard.result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw error_from(conn_, guard.result, "script failed");
  }

  void begin(bool write) override { execute_script(write ? "BEGIN" : "BEGIN READ ONLY"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() noexcept override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }
  bool healthy() override { return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE; }

 private:
  PGresult* run(std::string_view sql, const Params& params) {
    const std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      const std::string name = "s" + std::to_string(prepared_.size() + 1);
      ResultGuard guard{PQprepare(conn_, name.c_str(), number_placeholders(sql).c_str(), 0, nullptr)};
      if (PQresultStatus(guard.result) != PGRES_COMMAND_OK)
        throw error_from(conn_, guard.result, "prepare failed for: " + key);
      it = prepared_.emplace(key, name).first;
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* number = std::get_if<long long>(&params[i])) {
        texts[i] = std::to_string(*number);
        values[i] = texts[i].c_str();
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        values[i] = text->c_str();
      }
    }
    PGresult* result =
        PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto error = error_from(conn_, result, "statement failed");
      PQclear(result);
      throw error;
    }
    return result;
  }

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

std::unique_ptr<Connection> connect_postgres(const std::string& conninfo) {
  return std::make_unique<PostgresConnection>(conninfo);
}

}  // namespace shelfmark::store
