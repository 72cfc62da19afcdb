// What `serve` runs in the background, each on a PeriodicWorker: the search follower, which keeps this
// node's search index up to date with the database (rebuilding it first when it is empty and the catalogue
// is not), and the job runner, which asks app::run_due_jobs as often as the most frequent job wants (the
// jobs' leases in the database make sure that, of many nodes, one runs each).
#pragma once

#include <memory>
#include <vector>

#include "app/catalogue_search.h"
#include "app/directory.h"
#include "app/jobs.h"
#include "jobs/periodic_worker.h"

namespace shelfmark::jobs {

class SearchFollower {
 public:
  static constexpr std::chrono::seconds kInterval{2};
  SearchFollower(const app::Context& context, app::SearchIndex& index);
  // One run: the rebuild check (first run only), then the changes since the last run.
  void step();
  PeriodicWorker& worker() { return worker_; }

 private:
  const app::Context& context_;
  app::SearchIndex& index_;
  app::NetworkCache network_;
  bool checked_empty_ = false;
  PeriodicWorker worker_;
};

class JobRunner {
 public:
  JobRunner(const app::Context& context, std::vector<app::JobDefinition> jobs);
  // Checks as often as the most frequent job wants to run (email every 15 seconds), at least every minute.
  static std::chrono::seconds tick_for(const std::vector<app::JobDefinition>& jobs);
  void step();
  PeriodicWorker& worker() { return worker_; }

 private:
  const app::Context& context_;
  std::vector<app::JobDefinition> jobs_;
  app::NetworkCache network_;
  PeriodicWorker worker_;
};

}  // namespace shelfmark::jobs
