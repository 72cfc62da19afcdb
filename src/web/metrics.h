// Request metrics in the Prometheus text format: requests by route and status, and a latency histogram
// by route. Thread safety: all methods may be called from any thread.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace shelfmark::web {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(const std::string& route, int status, double seconds);
  // Everything observed, plus `extra` lines (already in the text format) appended.
  std::string render(const std::string& extra) const;

 private:
  struct Histogram {
    std::array<long long, kBuckets.size()> counts{};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace shelfmark::web
