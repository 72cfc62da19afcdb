#include "web/metrics.h"

#include <fmt/format.h>

namespace shelfmark::web {

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  auto& histogram = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++histogram.counts[i];
  ++histogram.count;
  histogram.sum += seconds;
}

std::string Metrics::render(const std::string& extra) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP shelfmark_http_requests_total HTTP requests handled, by route pattern and status.\n";
  out += "# TYPE shelfmark_http_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out +=
        fmt::format("shelfmark_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, count);
  out += "# HELP shelfmark_http_request_duration_seconds Time to handle a request, by route pattern.\n";
  out += "# TYPE shelfmark_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("shelfmark_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                         kBuckets[i], histogram.counts[i]);
    out += fmt::format("shelfmark_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
                       histogram.count);
    out += fmt::format("shelfmark_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", route, histogram.sum);
    out += fmt::format("shelfmark_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, histogram.count);
  }
  return out + extra;
}

}  // namespace shelfmark::web
