// One background task of `serve`, run again and again on a thread of its own: the search follower (every
// 2 seconds) and the job runner (as often as its most frequent job wants). Each run's errors are logged
// and the next run comes after the interval as usual, so a database away for a minute stops nothing for
// good. Whether a run is due is decided by `due` against a Clock, so tests drive it with a FixedClock and
// no thread; the thread only waits (on a condition variable, so stopping never waits for an interval).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/time.h"

namespace shelfmark::jobs {

class PeriodicWorker {
 public:
  using Step = std::function<void()>;

  // `name` prefixes its log lines ("search index", "jobs"). The first run is due at once.
  PeriodicWorker(const Clock& clock, std::string name, std::chrono::seconds interval, Step step);
  ~PeriodicWorker();  // stop()
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Runs the step when it is due at the clock's now, then schedules the next run one interval after this
  // one. A step that throws (anything) is logged and counted; the next run comes after the interval all
  // the same. Returns whether it ran. The thread calls it; tests call it directly.
  bool run_if_due();
  Instant next_run() const;
  long long runs() const;
  long long failures() const;

  // Runs run_if_due on a thread of its own until stop().
  void start();
  // Wakes and joins the thread; a run under way finishes first. Safe to call twice.
  void stop();

 private:
  void loop();

  const Clock& clock_;
  const std::string name_;
  const std::chrono::seconds interval_;
  const Step step_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Instant> next_run_;  // empty: at once
  long long runs_ = 0;
  long long failures_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shelfmark::jobs
