// Ports of the background jobs: the schedule of jobs claimed by lease (ADR 0008).
#pragma once

#include <string>

#include "core/time.h"

namespace shelfmark::app {

// Background jobs run inside `serve` on whichever node claims them first: a claim is a lease that ends by
// itself, so a node that dies mid-job does not block the job for long.
class JobRepository {
 public:
  virtual ~JobRepository() = default;
  // Adds the job with its first run time unless it is already known.
  virtual void ensure(const std::string& name, Instant first_run_at) = 0;
  // True when this caller now holds the job: it was due and nobody else's lease was running.
  [[nodiscard]] virtual bool claim(const std::string& name, Instant now, Instant lease_until) = 0;
  virtual void finish(const std::string& name, Instant ran_at, Instant next_run_at, const std::string& summary) = 0;
};

}  // namespace shelfmark::app
