// Background jobs that `serve` runs by itself, so that a one-machine library needs no cron: every node's
// scheduler asks run_due_jobs() now and then, and of all the nodes exactly one runs each due job (the
// JobRepository lease). `shelfmark jobs …` runs one job at once, for those who prefer cron.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app/audit_trail.h"
#include "app/directory.h"
#include "app/ports.h"

namespace shelfmark::app {

struct JobDefinition {
  std::string name;
  std::chrono::seconds interval;
  // Returns a one-line summary for the log; throws on failure (the job is then tried again sooner).
  std::function<std::string(const Context&, NetworkCache&)> run;
};

// What the standard jobs are told by the settings.
struct JobSettings {
  AuditRetention audit_retention;
};

// Expiring reservations, ending e-book loans and anonymising returned loans, hourly; forgetting what is kept
// no longer than needed (the audit log by `settings.audit_retention`), daily.
std::vector<JobDefinition> standard_jobs(const JobSettings& settings = {});

struct JobRun {
  std::string name;
  bool ok = true;
  std::string summary;  // or the error
};

// Runs each job that is due and not being run by another node; returns what this call ran.
std::vector<JobRun> run_due_jobs(const Context& context, NetworkCache& network, const std::vector<JobDefinition>& jobs);

}  // namespace shelfmark::app
