// The app's Store port on top of Database: one transaction per call, SQL repositories bound to that
// transaction's connection, retries with back-off on busy/serialization failures.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

class SqlStore final : public app::Store {
 public:
  explicit SqlStore(Database& database, int max_attempts = 8) : database_(database), max_attempts_(max_attempts) {}
  void transact(Mode mode, const std::function<void(app::Repositories&)>& work) override;
  void erase_deleted_data() override;
  Database& database() { return database_; }

 private:
  Database& database_;
  int max_attempts_;
};

}  // namespace shelfmark::store
