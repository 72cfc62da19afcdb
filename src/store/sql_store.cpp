#include "store/sql_store.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "store/sql_accounts.h"
#include "store/sql_activities.h"
#include "store/sql_audit.h"
#include "store/sql_catalogue.h"
#include "store/sql_circulation.h"
#include "store/sql_directory.h"
#include "store/sql_enquiries.h"
#include "store/sql_jobs.h"
#include "store/sql_reader_care.h"
#include "store/sql_reader_merge.h"
#include "store/sql_reader_search.h"
#include "store/sql_registration.h"
#include "store/sql_sip.h"
#include "store/sql_study_room.h"
#include "store/sql_two_factor.h"

namespace shelfmark::store {

using app::StoreError;

void SqlStore::erase_deleted_data() {
  if (database_.backend() != Backend::kSqlite) return;
  auto connection = database_.acquire();
  // Readers still holding an old snapshot can make a checkpoint partial; the next one completes it.
  connection->execute_script("PRAGMA wal_checkpoint(TRUNCATE);");
}

void SqlStore::transact(Mode mode, const std::function<void(app::Repositories&)>& work) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    auto connection = database_.acquire();
    try {
      connection->begin(mode == Mode::kWrite);
      auto libraries = library_repository(*connection);
      auto notices = notice_repository(*connection);
      auto staff = staff_repository(*connection);
      auto sessions = session_repository(*connection);
      auto failures = auth_failure_repository(*connection);
      auto audit = audit_log(*connection);
      auto circulation = circulation_repository(*connection);
      auto jobs = job_repository(*connection);
      auto sip = sip_repository(*connection);
      auto catalogue = catalogue_repository(*connection);
      auto reader_sessions = reader_session_repository(*connection);
      auto calendar_feeds = calendar_feed_repository(*connection);
      auto registrations = registration_repository(*connection);
      auto outbox = outbox_repository(*connection);
      auto activities = activity_repository(*connection);
      auto enquiries = enquiry_repository(*connection);
      auto study_rooms = study_room_repository(*connection);
      auto two_factor = two_factor_repository(*connection);
      auto reader_merges = reader_merge_repository(*connection);
      auto readers = reader_finder_repository(*connection);
      auto reader_care = reader_care_repository(*connection);
      app::Repositories repos{*libraries,     *notices, *staff,      *sessions,  *failures,        *audit,
                              *circulation,   *jobs,    *sip,        *catalogue, *reader_sessions, *calendar_feeds,
                              *registrations, *outbox,  *activities, *enquiries, *study_rooms,     *two_factor,
                              *reader_merges, *readers, *reader_care};
      work(repos);
      connection->commit();
      return;
    } catch (const StoreError& error) {
      connection->rollback();
      if (error.kind() != StoreError::Kind::kBusy || attempt >= max_attempts_) throw;
    } catch (...) {
      connection->rollback();
      throw;
    }
    // Exponential back-off with jitter: 2, 4, 8 ... ms.
    const auto base = std::chrono::milliseconds(1 << std::min(attempt, 8));
    std::this_thread::sleep_for(base + std::chrono::milliseconds(jitter() % base.count()));
  }
}

}  // namespace shelfmark::store
