#include "jobs/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "jobs/background.h"

namespace shelfmark::jobs {
namespace {

using namespace std::chrono_literals;

const Instant kStart = instant_from_unix(1'795'000'000);

TEST(PeriodicWorker, RunsAtOnceThenOnceAnInterval) {
  FixedClock clock(kStart);
  int runs = 0;
  PeriodicWorker worker(clock, "test", 2s, [&] { ++runs; });
  EXPECT_TRUE(worker.run_if_due());  // the first run is due at once
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(worker.run_if_due());  // not again in the same second
  clock.set(kStart + 1s);
  EXPECT_FALSE(worker.run_if_due());
  EXPECT_EQ(worker.next_run(), kStart + 2s);
  clock.set(kStart + 2s);
  EXPECT_TRUE(worker.run_if_due());
  EXPECT_EQ(runs, 2);
  // Away for a long time (a suspended machine): one run, not one per missed interval.
  clock.set(kStart + 60s);
  EXPECT_TRUE(worker.run_if_due());
  EXPECT_FALSE(worker.run_if_due());
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(worker.next_run(), kStart + 62s);
  EXPECT_EQ(worker.runs(), 3);
  EXPECT_EQ(worker.failures(), 0);
}

TEST(PeriodicWorker, AFailingRunIsCountedAndTriedAgainAfterTheInterval) {
  FixedClock clock(kStart);
  int calls = 0;
  PeriodicWorker worker(clock, "test", 2s, [&] {
    ++calls;
    if (calls == 1) throw std::runtime_error("the database is away");
    if (calls == 2) throw 42;  // not a std::exception (Xapian's errors are not)
  });
  EXPECT_TRUE(worker.run_if_due());
  EXPECT_FALSE(worker.run_if_due());
  clock.set(kStart + 2s);
  EXPECT_TRUE(worker.run_if_due());
  clock.set(kStart + 4s);
  EXPECT_TRUE(worker.run_if_due());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(worker.runs(), 3);
  EXPECT_EQ(worker.failures(), 2);
}

TEST(PeriodicWorker, TheThreadRunsAndStopsWithoutWaitingForTheInterval) {
  SystemClock clock;
  std::atomic<int> runs{0};
  PeriodicWorker worker(clock, "test", 3600s, [&] { ++runs; });
  worker.start();
  for (int i = 0; i < 500 && runs.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(runs.load(), 1);
  const auto before = std::chrono::steady_clock::now();
  worker.stop();
  // The hour's wait is cut short by stop(): well under a second, not 3,600.
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  worker.stop();  // twice is harmless
  EXPECT_EQ(runs.load(), 1);
}

TEST(JobRunner, TicksAsOftenAsTheMostFrequentJobAtLeastEveryMinute) {
  const auto job = [](std::chrono::seconds interval) {
    return app::JobDefinition{"j", interval, [](const app::Context&, app::NetworkCache&) { return std::string(); }};
  };
  EXPECT_EQ(JobRunner::tick_for({}), 60s);
  EXPECT_EQ(JobRunner::tick_for({job(3600s), job(15s)}), 15s);
  EXPECT_EQ(JobRunner::tick_for({job(3600s)}), 60s);
  EXPECT_EQ(JobRunner::tick_for({job(0s)}), 1s);  // never a busy loop
}

}  // namespace
}  // namespace shelfmark::jobs
