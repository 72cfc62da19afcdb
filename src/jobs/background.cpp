#include "jobs/background.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace shelfmark::jobs {

SearchFollower::SearchFollower(const app::Context& context, app::SearchIndex& index)
    : context_(context), index_(index), worker_(context.clock, "search index", kInterval, [this] { step(); }) {}

void SearchFollower::step() {
  if (!checked_empty_) {
    long long records = 0;
    context_.store.transact(app::Store::Mode::kRead,
                            [&](app::Repositories& repos) { records = repos.catalogue.record_count(); });
    if (records > 0 && index_.document_count() == 0) {
      spdlog::info("search index is empty: rebuilding it from {} records", records);
      spdlog::info("search index rebuilt: {} records", app::reindex(context_, network_, index_));
    }
    checked_empty_ = true;
  }
  app::follow_changes(context_, network_, index_);
}

JobRunner::JobRunner(const app::Context& context, std::vector<app::JobDefinition> jobs)
    : context_(context), jobs_(std::move(jobs)), worker_(context.clock, "jobs", tick_for(jobs_), [this] { step(); }) {}

std::chrono::seconds JobRunner::tick_for(const std::vector<app::JobDefinition>& jobs) {
  std::chrono::seconds tick = std::chrono::minutes(1);
  for (const auto& job : jobs) tick = std::min(tick, std::max(job.interval, std::chrono::seconds(1)));
  return tick;
}

void JobRunner::step() {
  for (const auto& run : app::run_due_jobs(context_, network_, jobs_)) {
    if (run.ok)
      spdlog::info("job {}: {}", run.name, run.summary);
    else
      spdlog::error("job {} failed: {}", run.name, run.summary);
  }
}

}  // namespace shelfmark::jobs
