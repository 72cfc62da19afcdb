#include "jobs/periodic_worker.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace shelfmark::jobs {

PeriodicWorker::PeriodicWorker(const Clock& clock, std::string name, std::chrono::seconds interval, Step step)
    : clock_(clock), name_(std::move(name)), interval_(interval), step_(std::move(step)) {}

PeriodicWorker::~PeriodicWorker() { stop(); }

bool PeriodicWorker::run_if_due() {
  const auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (next_run_ && now < *next_run_) return false;
    next_run_ = now + interval_;
  }
  bool failed = true;
  try {
    step_();
    failed = false;
  } catch (const std::exception& error) {
    spdlog::error("{}: {}; trying again in {} s", name_, error.what(), interval_.count());
  } catch (...) {
    // Xapian's errors, for one, are not std::exceptions: they must not end the server either.
    spdlog::error("{}: an error of an unknown kind; trying again in {} s", name_, interval_.count());
  }
  std::lock_guard lock(mutex_);
  ++runs_;
  if (failed) ++failures_;
  return true;
}

Instant PeriodicWorker::next_run() const {
  std::lock_guard lock(mutex_);
  return next_run_.value_or(clock_.now());
}

long long PeriodicWorker::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

long long PeriodicWorker::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

void PeriodicWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { loop(); });
}

void PeriodicWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicWorker::loop() {
  for (;;) {
    run_if_due();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // Wait in real time for what the clock says is left (the system clock in `serve`).
    const auto left = next_run_ ? *next_run_ - clock_.now() : std::chrono::seconds(0);
    if (left > std::chrono::seconds(0)) wake_.wait_for(lock, left, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace shelfmark::jobs
